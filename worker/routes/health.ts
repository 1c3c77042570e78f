import type { IRequest } from 'itty-router';
import { hasBearer } from '../http/auth';
import type { RequestContext } from '../http/context';
import { clientIdSentence } from '../paypay/client-id';
import type { SettingProblem } from '../settings/config';
import { feedOf } from '../feed/stub';

/**
 * `GET /healthz`: whether the Worker is configured. The details (which settings
 * are missing or malformed, by name only, and the warnings) tell an attacker
 * what is open, so in production they go only to the merchant's bearer; the
 * public learns `{ok}`. In development they are public, for the local stack.
 * `clientId` says where the client ID a responseToken's `aud` is checked
 * against comes from: configured, derived from the API key, or neither.
 * `deadLetters` counts the notifications INGEST gave up on, parked for a
 * replay, with a warning while there are any (a count only: the public
 * answer never reads the feed).
 */
export async function health(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const { warnings, environment, paypay } = rc.config;
  // In production a bearer gets here only as the merchant's (the `merchantIfBearer` stage).
  const detailed = environment === 'development' || hasBearer(request);
  // The feed is asked only for details: a public probe costs no Durable Object call.
  // Both questions go to the home shard at once.
  const [shardProblems, deadLetters] = detailed
    ? await Promise.all([feedShardProblems(env), deadLetterCount(env)])
    : [[], null];
  const problems = [...rc.config.problems, ...shardProblems];
  const status = problems.length === 0 ? 200 : 503;
  const ok = problems.length === 0;
  if (!detailed) return Response.json({ ok }, { status });
  const parked =
    deadLetters !== null && deadLetters > 0
      ? [
          {
            reason: `${deadLetters} notification${deadLetters === 1 ? ' was' : 's were'} not recorded after every retry and wait in the feed: look with GET /v1/dead-letters, replay with paypay-kyc dead-letters --replay`,
          },
        ]
      : [];
  return Response.json(
    {
      ok,
      environment,
      missing: problems.filter((p) => p.problem === 'missing').map((p) => p.setting),
      invalid: problems
        .filter((p) => p.problem === 'invalid')
        .map((p) => ({ setting: p.setting, reason: p.reason })),
      warnings: [...warnings.map((p) => ({ setting: p.setting, reason: p.reason })), ...parked],
      clientId: { source: paypay.clientId.source, detail: clientIdSentence(paypay.clientId) },
      ...(deadLetters !== null ? { deadLetters } : {}),
    },
    { status },
  );
}

/**
 * The home shard's record of FEED_SHARDS, as a problem while its guard refuses
 * (FEED_SHARDS changed on a feed holding data, no reshard yet). A feed that
 * cannot be asked says nothing here: the routes that use it answer for it.
 */
async function feedShardProblems(env: Env): Promise<SettingProblem[]> {
  try {
    const { value: state } = await feedOf(env).shardState();
    if (!state.refused) return [];
    const held = state.recorded ?? 1;
    return [
      {
        setting: 'FEED_SHARDS',
        problem: 'invalid',
        reason: `FEED_SHARDS changed, but the event feed holds data for ${held} shard${held === 1 ? '' : 's'}: run \`paypay-kyc feed reshard --from ${held} --to ${state.configured}\` to move its users, or set FEED_SHARDS back to ${held}`,
      },
    ];
  } catch {
    return [];
  }
}

/** How many dead letters are parked; null when the feed cannot say (the answer goes on without). */
async function deadLetterCount(env: Env): Promise<number | null> {
  try {
    return (await feedOf(env).deadLetterCount()).value;
  } catch {
    return null;
  }
}
