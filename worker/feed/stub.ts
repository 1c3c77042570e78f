import type { EventFeed } from './event-feed';

/** The most shards a deployment may have (FEED_SHARDS). */
export const MAX_FEED_SHARDS = 64;

type FeedStub = DurableObjectStub<EventFeed>;

/**
 * FEED_SHARDS as a number: 1 when unset; the settings check (worker/settings)
 * refuses anything outside 1-64 before a route runs, so a bad value here
 * falls back to 1 rather than throwing in a cron run.
 */
export function feedShardCount(env: Pick<Env, 'FEED_SHARDS'>): number {
  const n = Number(env.FEED_SHARDS ?? '1');
  return Number.isInteger(n) && n >= 1 && n <= MAX_FEED_SHARDS ? n : 1;
}

/**
 * A user's shard: FNV-1a (32 bits) of the id's UTF-16 code units, mod `shards`.
 * Stable across deployments and runtimes (no seed), cheap, and synchronous, so
 * a recon batch of 2,000 ids is split without awaiting a digest per id.
 */
export function shardOf(uaid: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < uaid.length; i++) {
    hash ^= uaid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

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
 * Shard 0, the feed's home: recon files, events without a user, dead letters,
 * and the record of how many shards the deployment has.
 */
export function feedOf(env: Env): FeedStub {
  return feedShard(env, 0);
}
