// `paypay-kyc feed reshard --from N --to M`: grows a Worker's event feed from N
// shards to M (POST /v1/feed/reshard, bearer), a bounded step a call, until no
// user is left to move. A progress line per step; safe to stop and run again.
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  call,
  parse,
  tokenOf,
  workerRefused,
} from './common.mjs';

/** FEED_SHARDS' bounds (MAX_FEED_SHARDS of worker/settings/values.ts): the CLI has no build. */
const MAX_SHARDS = 64;

export const summary = "grow a Worker's event feed to more shards (feed reshard)";

export const usage = `Usage: paypay-kyc feed reshard --endpoint <Worker URL> --from <n> --to <m> [--json]

Moves the users of a Worker's event feed from <n> shards to <m>, after
FEED_SHARDS was raised to <m> and deployed: until then the feed refuses its
work (503 FEED_SHARDS_CHANGED) rather than look users up in the wrong shard.
Step by step, a line each; stopped, it goes on where it was when run again.
Growing only: <m> must be more than <n> and equal to FEED_SHARDS.

  --endpoint <url>  the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>   the merchant bearer; better in the env MERCHANT_API_TOKEN
  --from <n>        the shards the feed holds data for (FEED_SHARDS before), 1-${MAX_SHARDS}
  --to <m>          FEED_SHARDS now, more than <n>, at most ${MAX_SHARDS}
  --json            print {moved, steps} at the end instead of the lines
  --help            this text

Exit status: 0 done, 2 could not run (unreachable, 401, refused: the reason is printed).`;

export async function run(argv) {
  const options = { ...WORKER_OPTIONS, from: { type: 'string' }, to: { type: 'string' } };
  const { values, positionals } = parse(argv, options, usage, { positionals: 1 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals[0] !== 'reshard') {
    const what =
      positionals[0] === undefined
        ? 'A subcommand is required'
        : `Unknown subcommand '${positionals[0]}'`;
    throw new UsageError(`${what}: paypay-kyc feed reshard.`, usage);
  }
  const origin = bearerEndpointOf(values, usage);
  const from = shardsOf(values.from, '--from');
  const to = shardsOf(values.to, '--to');
  if (to <= from) {
    throw new UsageError(
      '--to must be more than --from: the feed only grows (each event stays in the shard that recorded it).',
      usage,
    );
  }
  const token = tokenOf(values);
  let moved = 0;
  let steps = 0;
  for (;;) {
    const answer = await call(
      `${origin}/v1/feed/reshard`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ from, to }),
      },
      120_000,
    );
    if (answer.status !== 200 || typeof answer.body?.remaining !== 'boolean')
      throw workerRefused(origin, answer);
    steps++;
    moved += answer.body.moved;
    if (!values.json) {
      const state = answer.body.remaining ? 'more to move' : `done: the feed has ${to} shards`;
      console.log(`step ${steps}: moved ${answer.body.moved} users (${moved} in all), ${state}`);
    }
    if (!answer.body.remaining) break;
  }
  if (values.json) console.log(JSON.stringify({ moved, steps }));
  return 0;
}

function shardsOf(text, flag) {
  if (text === undefined) throw new UsageError(`${flag} is required.`, usage);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_SHARDS)
    throw new UsageError(`${flag} must be an integer from 1 to ${MAX_SHARDS}.`, usage);
  return value;
}
