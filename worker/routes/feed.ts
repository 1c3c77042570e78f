import type { IRequest } from 'itty-router';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { checkedSettings } from '../http/needs';
import { feedOf, feedShards, MAX_FEED_SHARDS } from '../feed/stub';
import { mergePages, positionsOf, shardLimit } from '../feed/cursor';
import { reshardStep } from '../feed/reshard';
import { FEED_PAGE_LIMIT, type FeedPage } from '../../shared/feed';

/**
 * `GET /v1/events?after=<cursor>&limit=`: the merchant event feed, oldest first.
 * The cursor holds the position of the last event returned in each feed shard
 * (worker/feed/cursor.ts); each shard assigns its positions in one place, so a
 * page never skips an event that a later page would show.
 */
export async function listEvents(request: IRequest, env: Env): Promise<Response> {
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (name !== 'after' && name !== 'limit')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const shards = feedShards(env);
  const positions = positionsOf(params.get('after') ?? '', shards.length);
  if (positions === null) {
    throw ApiError.of('INVALID_CURSOR', 'after must be a cursor this feed returned');
  }
  const limitText = params.get('limit') ?? '';
  const limit = limitText === '' ? FEED_PAGE_LIMIT.default : Number(limitText);
  if (limitText !== '' && (!/^[1-9]\d*$/.test(limitText) || limit > FEED_PAGE_LIMIT.max)) {
    throw ApiError.of('INVALID_FIELD', `limit must be an integer from 1 to ${FEED_PAGE_LIMIT.max}`);
  }
  if (shards.length === 1) {
    // One shard: the object's page (JSON text, a FeedPage) is passed on as it is.
    const page = await shards[0]!.page(positions[0]!, limit);
    return json(page.value);
  }
  const each = shardLimit(limit, shards.length);
  const pages = await Promise.all(
    shards.map(async (shard, i) => JSON.parse((await shard.page(positions[i]!, each)).value)),
  );
  return json(JSON.stringify(mergePages(pages as FeedPage[], positions, limit)));
}

function json(text: string): Response {
  return new Response(text, { headers: { 'Content-Type': 'application/json' } });
}

/**
 * `POST /v1/feed/reshard` `{from, to}`: grows the feed from `from` shards to
 * `to`, FEED_SHARDS as now configured, moving users in bounded steps
 * (worker/feed/reshard.ts); `paypay-kyc feed reshard` calls it until
 * `remaining` is false. Never shrinks: events stay in the shard that recorded
 * them, and a removed shard's events could no longer be read.
 */
export async function reshard(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const body = await readJsonBody(request, 256);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw ApiError.of('INVALID_FIELD', 'The body must be a JSON object');
  const extra = Object.keys(body).find((key) => key !== 'from' && key !== 'to');
  if (extra !== undefined) throw ApiError.of('UNKNOWN_FIELD', `Unknown field "${extra}"`);
  const { from, to } = body as { from?: unknown; to?: unknown };
  const [configured] = checkedSettings(rc, ['FEED_SHARDS']);
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_FEED_SHARDS)
      throw ApiError.of('INVALID_FIELD', `${name} must be an integer from 1 to ${MAX_FEED_SHARDS}`);
  }
  const [old, grown] = [from as number, to as number];
  if (grown < old)
    throw ApiError.of(
      'INVALID_FIELD',
      'The feed cannot shrink: each event stays in the shard that recorded it, so the events of a removed shard could no longer be read',
    );
  if (grown === old) throw ApiError.of('INVALID_FIELD', 'to must be more than from');
  if (grown !== configured)
    throw ApiError.of('INVALID_FIELD', `to must be FEED_SHARDS as configured (${configured})`);
  const { value: state } = await feedOf(env).shardState();
  if (state.recorded === grown) return Response.json({ moved: 0, remaining: false });
  if (state.recorded !== null && state.recorded !== old)
    throw ApiError.of(
      'INVALID_FIELD',
      `from must be the number of shards the feed holds data for (${state.recorded})`,
    );
  return Response.json(await reshardStep(env, old, grown, Date.now()));
}
