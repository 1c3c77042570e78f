// `paypay-kyc events`: the Worker's event feed (GET /v1/events, bearer), page by
// page until caught up; with --follow, polls for more until SIGINT / SIGTERM.
// One line per event on stdout; the cursor to resume from on stderr at the end.
import {
  CannotRun,
  WORKER_OPTIONS,
  call,
  bearerEndpointOf,
  parse,
  sleep,
  tokenOf,
  workerRefused,
  cursorOf,
  integerOf,
} from './common.mjs';

/**
 * `limit` of GET /v1/events: FEED_PAGE_LIMIT of shared/feed.ts, copied because
 * the CLI runs as it is, without a build; test/e2e/feed-limit.test.ts checks the
 * copy against the Worker's numbers.
 */
const PAGE_LIMIT = { default: 100, max: 1000 };

export const summary = "tail a Worker's event feed (GET /v1/events), resumable by cursor";

export const usage = `Usage: paypay-kyc events --endpoint <Worker URL> [--after <cursor>] [--follow] [--json]

Prints the Worker's feed events, oldest first, one line each, until caught up.

  --endpoint <url>    the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>     the merchant bearer; better in the env MERCHANT_API_TOKEN
  --after <cursor>    start after this cursor (what an earlier run printed); default: the start
  --limit <n>         events per request, 1-${PAGE_LIMIT.max} (default ${PAGE_LIMIT.default})
  --follow            keep polling for new events until Ctrl-C (SIGINT) or SIGTERM
  --interval <s>      seconds between polls once caught up, with --follow (default 2)
  --json              one JSON object per line: the event as the Worker sent it
  --help              this text

At the end (caught up, or stopped) stderr says "cursor <c>": pass it as --after
to resume. Exit status: 0 done, 2 could not run (unreachable, 401, bad cursor).`;

export async function run(argv) {
  const options = {
    ...WORKER_OPTIONS,
    after: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean', default: false },
    interval: { type: 'string' },
  };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  cursorOf(values.after, usage);
  const limit = integerOf(values.limit, '--limit', 1, PAGE_LIMIT.max, PAGE_LIMIT.default, usage);
  const intervalMs = integerOf(values.interval, '--interval', 1, 3600, 2, usage) * 1000;
  const token = tokenOf(values);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let cursor = values.after ?? '';
  try {
    while (!stop.signal.aborted) {
      const page = await nextPage(origin, token, cursor, limit, values.follow, stop.signal);
      if (page === null) break; // stopped while waiting
      for (const event of page.events)
        console.log(values.json ? JSON.stringify(event) : line(event));
      cursor = page.cursor;
      if (page.events.length > 0) continue;
      if (!values.follow) break;
      await sleep(intervalMs, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  console.error(`cursor ${cursor || '0'}`);
  return 0;
}

/**
 * One page after `cursor`, or null once stopped. With --follow an outage (no
 * answer, 429, 5xx) is waited out; without it, and for any other refusal, the
 * command cannot run.
 */
export async function nextPage(origin, token, cursor, limit, follow, signal) {
  const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { after: cursor } : {}) });
  for (let pause = 1000; ; pause = Math.min(pause * 2, 30_000)) {
    let answer;
    try {
      answer = await call(`${origin}/v1/events?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      if (!follow || !(error instanceof CannotRun)) throw error;
      console.error(`${error.message} Trying again in ${pause / 1000} s.`);
      await sleep(pause, signal);
      if (signal.aborted) return null;
      continue;
    }
    if (answer.status === 200 && Array.isArray(answer.body?.events)) return answer.body;
    const passing = answer.status === 429 || answer.status >= 500;
    if (!follow || !passing) throw workerRefused(origin, answer);
    console.error(`${workerRefused(origin, answer).message} Trying again in ${pause / 1000} s.`);
    await sleep(pause, signal);
    if (signal.aborted) return null;
  }
}

/** `<occurredAt>  <type>  <userAuthorizationId or ->  source=…  <other fields>  id=…`. */
function line(event) {
  const { id, type, occurredAt, userAuthorizationId, source, ...rest } = event;
  const extras = Object.entries(rest).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return [
    occurredAt,
    String(type).padEnd(22),
    userAuthorizationId ?? '-',
    `source=${source}`,
    ...extras,
    `id=${id}`,
  ].join('  ');
}
