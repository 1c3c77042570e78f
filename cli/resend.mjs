// `paypay-kyc resend <event id>`: puts a feed event back in the Worker's
// forwarding outbox, due now (POST /v1/deliveries/:eventId/resend, bearer); the
// Worker's cron delivers it within a minute, once however often it is resent.
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  call,
  parse,
  tokenOf,
  workerRefused,
} from './common.mjs';

export const summary = 'forward a feed event to MERCHANT_WEBHOOK_URL again';

export const usage = `Usage: paypay-kyc resend <event id> --endpoint <Worker URL> [--json]

Puts the event (an id as \`paypay-kyc deliveries\` or \`events\` print it, ev_…)
back in the Worker's forwarding outbox, due now, whatever became of it (failed,
delivered, pending). The Worker's cron sends it within a minute, with the same
webhook-id; resending again before then still delivers it once.

  --endpoint <url>    the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>     the merchant bearer; better in the env MERCHANT_API_TOKEN
  --json              the Worker's answer as JSON
  --help              this text

Exit status: 0 queued, 2 could not run (unreachable, 401, unknown event id,
MERCHANT_WEBHOOK_URL not set).`;

const EVENT_ID = /^ev_[1-9]\d{0,15}$/;

export async function run(argv) {
  const { values, positionals } = parse(argv, WORKER_OPTIONS, usage, { positionals: 1 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [eventId] = positionals;
  if (eventId === undefined) throw new UsageError('An event id is required.', usage);
  if (!EVENT_ID.test(eventId)) {
    throw new UsageError(`'${eventId}' is not an event id (ev_ and a number).`, usage);
  }
  const origin = bearerEndpointOf(values, usage);
  const answer = await call(`${origin}/v1/deliveries/${eventId}/resend`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokenOf(values)}` },
  });
  if (answer.status !== 202 || answer.body?.status !== 'pending') {
    throw workerRefused(origin, answer);
  }
  console.log(
    values.json
      ? JSON.stringify(answer.body)
      : `${eventId} queued: the Worker's cron forwards it within a minute.`,
  );
  return 0;
}
