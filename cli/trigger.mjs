// `paypay-kyc trigger <kind> <userAuthorizationId>`: makes the sandbox send one
// PayPay webhook to the merchant's URL for that kind (POST /_sandbox/webhooks).
import {
  SANDBOX_OPTIONS,
  UsageError,
  apiKeyOf,
  parse,
  sandboxCall,
  sandboxOf,
  sandboxRefused,
} from './common.mjs';

export const KINDS = ['kyc', 'risk', 'account-status'];

export const summary = 'make the sandbox send a kyc, risk or account-status webhook';

export const usage = `Usage: paypay-kyc trigger <kyc|risk|account-status> <userAuthorizationId> [--sandbox <url>]

Makes the sandbox send PayPay's notification of that kind about that user to the
webhook URL its merchant registered (\`paypay-kyc sandbox --worker <url>\` sets them).

  --sandbox <url>            the sandbox (env PAYPAY_KYC_SANDBOX; default http://127.0.0.1:8788)
  --api-key <key>            the sandbox merchant (env SANDBOX_API_KEY; default: its default merchant)
  --notification-id <id>     PayPay's notification_id to send (default: a new UUID)
  --copies <n>               send it n times with the same id, 1-10, as PayPay's retries would (default 1)
  --json                     print the sandbox's answer {notificationId, deliveries} as JSON
  --help                     this text

Exit status: 0 delivered (the merchant answered 2xx), 1 the merchant's URL did not
answer 2xx, 2 could not run (unreachable sandbox, no webhook URL registered).`;

export async function run(argv) {
  const options = {
    ...SANDBOX_OPTIONS,
    'notification-id': { type: 'string' },
    copies: { type: 'string' },
  };
  const { values, positionals } = parse(argv, options, usage, { positionals: 2 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [kind, userAuthorizationId] = positionals;
  if (!KINDS.includes(kind)) {
    throw new UsageError(`The kind must be one of ${KINDS.join(', ')}.`, usage);
  }
  if (!userAuthorizationId) throw new UsageError('A userAuthorizationId is required.', usage);
  const copies = values.copies === undefined ? 1 : Number(values.copies);
  if (!/^\d+$/.test(values.copies ?? '1') || copies < 1 || copies > 10) {
    throw new UsageError('--copies must be an integer from 1 to 10.', usage);
  }
  const sandbox = sandboxOf(values, usage);
  const answer = await sandboxCall(sandbox, apiKeyOf(values), 'POST', '/webhooks', {
    kind,
    userAuthorizationId,
    copies,
    ...(values['notification-id'] ? { notificationId: values['notification-id'] } : {}),
  });
  if (answer.status !== 200 || !Array.isArray(answer.body?.deliveries)) {
    const hint =
      answer.body?.error?.code === 'NO_WEBHOOK_URL'
        ? ' Start the sandbox with --worker <your Worker URL>, or register the URLs (PUT /_sandbox/merchant).'
        : '';
    throw sandboxRefused(sandbox, answer, hint);
  }
  const { notificationId, deliveries } = answer.body;
  const delivered = deliveries.every(ok);
  if (values.json) {
    console.log(JSON.stringify(answer.body));
  } else {
    console.log(`Sent ${kind} notification ${notificationId} about ${userAuthorizationId}:`);
    deliveries.forEach((delivery, i) => console.log(`  copy ${i + 1}: ${describe(delivery)}`));
  }
  return delivered ? 0 : 1;
}

/** A delivery the merchant accepted. */
export function ok(delivery) {
  return Number.isInteger(delivery?.status) && delivery.status >= 200 && delivery.status < 300;
}

/** "200 after 1 attempt", "500 after 3 attempts", "TimeoutError: … after 3 attempts". */
export function describe(delivery) {
  const attempts = `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  return `${delivery.status ?? delivery.error ?? 'no answer'} after ${attempts}`;
}
