// `paypay-kyc dead-letters [--replay]`: the notifications a Worker's ingest queue
// gave up on, parked in its feed (GET /v1/dead-letters, bearer); with --replay,
// sends them back to the queue (POST /v1/dead-letters/replay) round by round,
// the progress on stderr, until none is left.
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  call,
  parse,
  tokenOf,
  workerRefused,
} from './common.mjs';

/** `limit` of both routes: DEAD_LETTER_LIMIT of worker/routes/dead-letters.ts, copied (no build step). */
const LIMIT = { default: 100, max: 1000 };
/** Rounds of one replay at most: a queue that keeps filling must not keep us forever. */
const MAX_ROUNDS = 10_000;

export const summary =
  'list the notifications a Worker could not record; --replay sends them again';

export const usage = `Usage: paypay-kyc dead-letters --endpoint <Worker URL> [--replay] [--limit <n>] [--json]

Lists the notifications the Worker's ingest queue gave up on after every retry,
parked in its feed (/healthz and the doctor count them), oldest first. Fix what
made them fail (the Worker's error lines say), then send them back with --replay:
each is recorded once, however often it is sent.

  --endpoint <url>    the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>     the merchant bearer; better in the env MERCHANT_API_TOKEN
  --replay            send them back to the queue, --limit at a time, until none is left
  --limit <n>         dead letters listed, or replayed a round, 1-${LIMIT.max} (default ${LIMIT.default})
  --json              one JSON object per line: each dead letter, or the replay's totals
  --help              this text

Exit status: 0 done (listed, or every one replayed), 1 some stayed parked after
--replay (not a notification this Worker sent, or the queue stopped taking them),
2 could not run (unreachable, 401, the queue refused).`;

export async function run(argv) {
  const options = {
    ...WORKER_OPTIONS,
    replay: { type: 'boolean', default: false },
    limit: { type: 'string' },
  };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  const limit = limitOf(values.limit);
  const token = tokenOf(values);
  const headers = { Authorization: `Bearer ${token}` };
  if (!values.replay) return list(origin, headers, limit, values.json);
  return replay(origin, headers, limit, values.json);
}

async function list(origin, headers, limit, json) {
  const { deadLetters, count } = await listed(origin, headers, limit);
  for (const letter of deadLetters) console.log(json ? JSON.stringify(letter) : line(letter));
  console.error(
    count === 0
      ? 'No dead letters: every notification queued was recorded.'
      : `${count} dead letter${count === 1 ? '' : 's'} in all${count > deadLetters.length ? `, the oldest ${deadLetters.length} shown` : ''}; send them again with --replay.`,
  );
  return 0;
}

async function replay(origin, headers, limit, json) {
  const { count: total } = await listed(origin, headers, 1);
  let replayed = 0;
  let last = { replayed: 0, skipped: 0, remaining: total };
  for (let round = 0; round < MAX_ROUNDS && last.remaining > 0; round++) {
    const answer = await call(`${origin}/v1/dead-letters/replay`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ limit }),
    });
    if (answer.status !== 200 || typeof answer.body?.replayed !== 'number') {
      throw workerRefused(origin, answer);
    }
    last = answer.body;
    replayed += last.replayed;
    console.error(`replayed ${replayed} of ${total}; ${last.remaining} left`);
    // Only bodies it cannot replay left at the front: another round would do the same.
    if (last.replayed === 0) break;
  }
  const result = { replayed, skipped: last.skipped, remaining: last.remaining };
  console.log(
    json
      ? JSON.stringify(result)
      : `Replayed ${replayed} dead letter${replayed === 1 ? '' : 's'}; ${last.remaining} left parked${last.skipped > 0 ? ` (${last.skipped} not a notification this Worker sent: look at them without --replay)` : ''}.`,
  );
  return last.remaining === 0 ? 0 : 1;
}

async function listed(origin, headers, limit) {
  const answer = await call(`${origin}/v1/dead-letters?limit=${limit}`, { headers });
  if (answer.status !== 200 || !Array.isArray(answer.body?.deadLetters)) {
    throw workerRefused(origin, answer);
  }
  return answer.body;
}

/** `<parkedAt>  <kind>  <notificationId>  <user or file type>  attempts=…  id=…`. */
function line(letter) {
  return [
    letter.parkedAt,
    String(letter.kind ?? 'unreadable').padEnd(14),
    letter.notificationId ?? '-',
    letter.userAuthorizationId ?? letter.fileType ?? '-',
    `attempts=${letter.attempts}`,
    `id=${letter.id}`,
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
