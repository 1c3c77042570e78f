import type { EventFeed } from './event-feed';
import { MAX_FEED_SHARDS } from '../settings/values';
import { byShard, feedShardCount, shardOf } from './shard-of';

/** The most shards a deployment may have (FEED_SHARDS). */
export { MAX_FEED_SHARDS };
export { byShard, feedShardCount, shardOf };

type FeedStub = DurableObjectStub<EventFeed>;

/**
 * Shard `index` of the event feed. Shard 0 keeps the name of the single feed
 * object deployed before sharding ("feed"), so that object, its events and its
 * users become shard 0 without moving a row.
 */
export function feedShard(env: Env, index: number): FeedStub {
  return env.EVENT_FEED.get(env.EVENT_FEED.idFromName(index === 0 ? 'feed' : `feed-${index}`));
}

/** The shard that holds a user (its events, state and KV copy); shard 0 without a user. */
export function feedFor(env: Env, uaid: string | null): FeedStub {
  return feedShard(env, uaid === null ? 0 : shardOf(uaid, feedShardCount(env)));
}

/** Every shard, in index order. */
export function feedShards(env: Env): FeedStub[] {
  return Array.from({ length: feedShardCount(env) }, (_, i) => feedShard(env, i));
}

/**
 * `work` for each shard index, all in parallel; once every one has ended, the
 * first failure is thrown. A shard that fails (its guard refusing a changed
 * FEED_SHARDS, say) does not stop the others' work, and is still reported.
 */
export async function eachShard<R>(
  indexes: readonly number[],
  work: (index: number) => Promise<R>,
): Promise<R[]> {
  const settled = await Promise.allSettled(indexes.map(work));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}

/** The indexes of every shard, 0 to FEED_SHARDS - 1. */
export function shardIndexes(env: Pick<Env, 'FEED_SHARDS'>): number[] {
  return Array.from({ length: feedShardCount(env) }, (_, i) => i);
}

/**
 * Shard `index`'s share of `limit` units of work among `shards` (a cron run's
 * forgets, forwarded events): equal parts, the remainder one each to the
 * shards from `turn` on (mod `shards`), so the parts add up to `limit` and,
 * with `turn` moving each run, no shard is left out when `limit` < `shards`.
 */
export function shareOf(limit: number, shards: number, index: number, turn = 0): number {
  const extra = (index - (turn % shards) + shards) % shards < limit % shards ? 1 : 0;
  return Math.floor(limit / shards) + extra;
}

/**
 * Shard 0, the feed's home: recon files, events without a user, dead letters,
 * and the record of how many shards the deployment has.
 */
export function feedOf(env: Env): FeedStub {
  return feedShard(env, 0);
}
