// `paypay-kyc listen --forward-to <url>`: follows a Worker's event feed
// (GET /v1/events, bearer, as `events --follow` does) and POSTs each event to a
// local server, signed the Standard Webhooks way with a secret made for this run
// and printed at the start (as `stripe listen` does), so a merchant's receiver
// can be built against real events without exposing it to the internet.
import { createHmac, randomBytes } from 'node:crypto';
import { nextPage } from './events.mjs';
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  parse,
  reasonOf,
  sleep,
  tokenOf,
  cursorOf,
  integerOf,
  httpUrlOf,
} from './common.mjs';

export const summary = "forward a Worker's feed events to a local server, signed";

export const usage = `Usage: paypay-kyc listen --endpoint <Worker URL> --forward-to <url> [--after <cursor>]

Follows the Worker's event feed and POSTs each new event to --forward-to,
exactly as the Worker forwards to MERCHANT_WEBHOOK_URL: the same body and the
Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature),
signed with a whsec_ secret made for this run and printed first. Verify with
verifyEvent(body, headers, secret) from paypay-kyc-passport/server. One line per
event with your server's status; a live count on stderr.

  --endpoint <url>     the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>      the merchant bearer; better in the env MERCHANT_API_TOKEN
  --forward-to <url>   your local receiver, e.g. http://localhost:3000/webhooks
  --after <cursor>     also forward the events after this cursor; default: only new ones
  --events <n>         stop after forwarding n events (default: until Ctrl-C)
  --interval <s>       seconds between polls once caught up (default 2)
  --json               one JSON object per line: {eventId, type, status, error}
  --help               this text

At the end (Ctrl-C, SIGTERM or --events) stderr says "cursor <c>": pass it as
--after to pick up where this run stopped. Exit status: 0 done, 2 could not run.`;

const PAGE = 1000;

export async function run(argv) {
  const options = {
    ...WORKER_OPTIONS,
    'forward-to': { type: 'string' },
    after: { type: 'string' },
    events: { type: 'string' },
    interval: { type: 'string' },
  };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  const target = targetOf(values['forward-to']);
  cursorOf(values.after, usage);
  const max = integerOf(values.events, '--events', 1, 1_000_000, Infinity, usage);
  const intervalMs = integerOf(values.interval, '--interval', 1, 3600, 2, usage) * 1000;
  const token = tokenOf(values);

  const secretBytes = randomBytes(32);
  const secret = `whsec_${secretBytes.toString('base64')}`;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let cursor = values.after ?? '';
  const count = { forwarded: 0, failed: 0 };
  try {
    if (values.after === undefined) cursor = await tail(origin, token, stop.signal);
    console.log(`Ready. Forwarding ${origin}'s events to ${target}`);
    console.log(`Your webhook signing secret is ${secret} (this run's only; Ctrl-C to quit)`);
    while (!stop.signal.aborted && count.forwarded + count.failed < max) {
      // Never more than --events still to go: the cursor (opaque, one position
      // per shard) then always ends where forwarding did.
      const limit = Math.min(100, max - count.forwarded - count.failed);
      const page = await nextPage(origin, token, cursor, limit, true, stop.signal);
      if (page === null) break;
      for (const event of page.events) {
        const sent = await forward(target, secretBytes, event);
        if (sent.ok) count.forwarded++;
        else count.failed++;
        console.log(values.json ? JSON.stringify(sent.line) : lineOf(event, sent));
        progress(count);
      }
      cursor = page.cursor;
      if (page.events.length === 0) await sleep(intervalMs, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.error(`${count.forwarded} forwarded, ${count.failed} refused or unreachable`);
  console.error(`cursor ${cursor || '0'}`);
  return 0;
}

/** The feed's end: pages read and dropped, so only events from now on are forwarded. */
async function tail(origin, token, signal) {
  let cursor = '';
  let skipped = 0;
  for (;;) {
    const page = await nextPage(origin, token, cursor, PAGE, false, signal);
    if (page === null || page.events.length === 0) return page?.cursor ?? cursor;
    cursor = page.cursor;
    skipped += page.events.length;
    if (process.stderr.isTTY) process.stderr.write(`\rskipping past ${skipped} earlier events`);
  }
}

/** One POST, as worker/feed/forward.ts sends it, signed as worker/feed/forward-sign.ts signs. */
async function forward(target, secretBytes, event) {
  const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
  const timestamp = Math.floor(Date.now() / 1000);
  const mac = createHmac('sha256', secretBytes)
    .update(`${event.id}.${timestamp}.${body}`)
    .digest('base64');
  const line = { eventId: event.id, type: event.type, status: null, error: null };
  try {
    const response = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'Content-Type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${mac}`,
      },
      body,
    });
    await response.body?.cancel();
    line.status = response.status;
    return { ok: response.status >= 200 && response.status < 300, line };
  } catch (error) {
    line.error = reasonOf(error);
    return { ok: false, line };
  }
}

/** `<occurredAt>  <type>  <id>  -> <status or reason>`. */
function lineOf(event, sent) {
  const outcome = sent.line.status === null ? sent.line.error : `${sent.line.status}`;
  return [event.occurredAt, String(event.type).padEnd(22), event.id, `-> ${outcome}`].join('  ');
}

/** The live count, on a terminal only: one line rewritten, never mixed into piped output. */
function progress(count) {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r${count.forwarded} forwarded, ${count.failed} refused `);
}

function targetOf(value) {
  if (value === undefined) throw new UsageError('--forward-to is required.', usage);
  return httpUrlOf(value, '--forward-to', usage).href;
}
