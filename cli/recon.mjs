// `paypay-kyc recon <kind> [ids…] [--ids <n>]`: makes the sandbox create a recon
// file naming those users and announce it (`file.created`) to the merchant's
// recon webhook, as PayPay does each day (POST /_sandbox/recon).
import { randomUUID } from 'node:crypto';
import {
  SANDBOX_OPTIONS,
  UsageError,
  apiKeyOf,
  parse,
  sandboxCall,
  sandboxOf,
  sandboxRefused,
} from './common.mjs';
import { describe, ok } from './trigger.mjs';

/** Our kind names, as `trigger` takes them, and PayPay's fileType of each. */
export const FILE_TYPES = {
  kyc: 'kyc_passport_sync_recon',
  risk: 'kyc_passport_risk_sync_recon',
  'account-status': 'kyc_passport_account_status_sync_recon',
};
const MAX_IDS = 10_000;

export const summary = 'make the sandbox create a recon file and announce it';

export const usage = `Usage: paypay-kyc recon <kyc|risk|account-status> [userAuthorizationId…] [--ids <n>] [--sandbox <url>]

Makes the sandbox create a recon file naming these users and send \`file.created\`
to the merchant's recon webhook, which then downloads it. The kind may also be
PayPay's fileType (${Object.values(FILE_TYPES).join(', ')}).

  --ids <n>                  add n made-up users (random UUIDs; up to ${MAX_IDS}), printed one per line
  --sandbox <url>            the sandbox (env PAYPAY_KYC_SANDBOX; default http://127.0.0.1:8788)
  --api-key <key>            the sandbox merchant (env SANDBOX_API_KEY; default: its default merchant)
  --notification-id <id>     PayPay's notification_id to send (default: a new UUID)
  --create-only              create the file but announce nothing; prints its download URL
  --json                     print {fileType, fileName, fileId, notificationId, userAuthorizationIds, deliveries}
  --help                     this text

Exit status: 0 announced (the merchant answered 2xx) or created, 1 the merchant's
URL did not answer 2xx, 2 could not run (unreachable sandbox, no recon URL registered).`;

export async function run(argv) {
  const options = {
    ...SANDBOX_OPTIONS,
    ids: { type: 'string' },
    'notification-id': { type: 'string' },
    'create-only': { type: 'boolean', default: false },
  };
  const { values, positionals } = parse(argv, options, usage, { positionals: MAX_IDS + 1 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [kind, ...given] = positionals;
  const fileType = FILE_TYPES[kind] ?? Object.values(FILE_TYPES).find((type) => type === kind);
  if (!fileType) {
    throw new UsageError(`The kind must be one of ${Object.keys(FILE_TYPES).join(', ')}.`, usage);
  }
  const count = values.ids === undefined ? 0 : Number(values.ids);
  if (!/^\d+$/.test(values.ids ?? '0') || count + given.length > MAX_IDS) {
    throw new UsageError(`--ids must be an integer; at most ${MAX_IDS} ids in all.`, usage);
  }
  const ids = [...given, ...Array.from({ length: count }, () => randomUUID())];
  if (ids.length === 0) throw new UsageError('Name at least one user, or pass --ids <n>.', usage);

  const sandbox = sandboxOf(values, usage);
  const notify = !values['create-only'];
  const answer = await sandboxCall(sandbox, apiKeyOf(values), 'POST', '/recon', {
    fileType,
    userAuthorizationIds: ids,
    notify,
    ...(values['notification-id'] ? { notificationId: values['notification-id'] } : {}),
  });
  if (answer.status !== 200 || typeof answer.body?.fileId !== 'string') {
    const hint =
      answer.body?.error?.code === 'NO_WEBHOOK_URL'
        ? ' Start the sandbox with --worker <your Worker URL>, or pass --create-only.'
        : '';
    throw sandboxRefused(sandbox, answer, hint);
  }
  const { fileId, path, notificationId = null, deliveries = [] } = answer.body;
  // The download URL carries the file's token: shown only when it is what was asked for.
  const fileName =
    answer.body.fileName ?? decodeURIComponent(new URL(path).pathname.split('/').pop());
  const result = {
    fileType,
    fileName,
    fileId,
    notificationId,
    userAuthorizationIds: ids,
    deliveries,
    ...(notify ? {} : { path }),
  };
  if (values.json) {
    console.log(JSON.stringify(result));
  } else if (notify) {
    console.log(`Created ${fileName} (${ids.length} users) and announced it as ${notificationId}:`);
    deliveries.forEach((delivery, i) => console.log(`  copy ${i + 1}: ${describe(delivery)}`));
  } else {
    console.log(`Created ${fileName} (${ids.length} users), not announced; download: ${path}`);
  }
  if (!values.json) for (const id of ids) console.log(id);
  return deliveries.every(ok) ? 0 : 1;
}
