// `paypay-kyc deliveries [--failed]`: the forwards to MERCHANT_WEBHOOK_URL a
// Worker still owes (GET /v1/deliveries, bearer), from every feed shard: pending
// ones being retried and failed ones given up. `paypay-kyc resend` sends one again.
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  call,
  parse,
  tokenOf,
  workerRefused,
} from './common.mjs';

/** `limit` of the route: DELIVERY_LIMIT of worker/routes/deliveries.ts, copied (no build step). */
const LIMIT = { default: 100, max: 1000 };

export const summary = 'list the forwards a Worker still owes (pending, failed)';

export const usage = `Usage: paypay-kyc deliveries --endpoint <Worker URL> [--failed | --pending] [--limit <n>] [--json]

Lists the feed events the Worker has not yet delivered to MERCHANT_WEBHOOK_URL,
oldest first: pending ones are retried by the cron with back-off, failed ones
were given up after three days. Send one again with \`paypay-kyc resend <event id>\`.

  --endpoint <url>    the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>     the merchant bearer; better in the env MERCHANT_API_TOKEN
  --failed            only the failed ones (given up)
  --pending           only the pending ones (being retried)
  --limit <n>         deliveries listed, 1-${LIMIT.max} (default ${LIMIT.default})
  --json              one JSON object per line: each delivery as the Worker sent it
  --help              this text

Exit status: 0 listed (none owed), 1 listed and some failed, 2 could not run
(unreachable, 401).`;

export async function run(argv) {
  const options = {
    ...WORKER_OPTIONS,
    failed: { type: 'boolean', default: false },
    pending: { type: 'boolean', default: false },
    limit: { type: 'string' },
  };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  if (values.failed && values.pending) {
    throw new UsageError('--failed and --pending exclude each other.', usage);
  }
  const limit = limitOf(values.limit);
  const headers = { Authorization: `Bearer ${tokenOf(values)}` };
  const status = values.failed ? 'failed' : values.pending ? 'pending' : null;
  const query = new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}) });
  const answer = await call(`${origin}/v1/deliveries?${query}`, { headers });
  if (answer.status !== 200 || !Array.isArray(answer.body?.deliveries)) {
    throw workerRefused(origin, answer);
  }
  const { deliveries, count, forwarding } = answer.body;
  for (const delivery of deliveries) {
    console.log(values.json ? JSON.stringify(delivery) : line(delivery));
  }
  if (forwarding === false) {
    console.error('MERCHANT_WEBHOOK_URL is not set on this Worker: nothing is forwarded.');
    return 0;
  }
  const what = status ?? 'pending or failed';
  console.error(
    count === 0
      ? `No ${what} deliveries: every event was delivered.`
      : `${count} ${what} deliver${count === 1 ? 'y' : 'ies'} in all${count > deliveries.length ? `, the oldest ${deliveries.length} shown` : ''}.`,
  );
  return deliveries.some((delivery) => delivery.status === 'failed') ? 1 : 0;
}

/** `<occurredAt>  <status>  <type>  attempts=…  last=…  next=…  <eventId>`. */
function line(delivery) {
  return [
    delivery.occurredAt,
    String(delivery.status).padEnd(7),
    String(delivery.type).padEnd(22),
    `attempts=${delivery.attempts}`,
    `last=${delivery.lastError ?? '-'}`,
    `next=${delivery.nextAttemptAt ?? '-'}`,
    delivery.eventId,
  ].join('  ');
}

function limitOf(text) {
  if (text === undefined) return LIMIT.default;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > LIMIT.max) {
    throw new UsageError(`--limit must be an integer from 1 to ${LIMIT.max}.`, usage);
  }
  return value;
}
