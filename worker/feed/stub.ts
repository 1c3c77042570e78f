import type { EventFeed } from './event-feed';
import { feedShardCount, shardOf } from './shard-of';

export { MAX_FEED_SHARDS, feedShardCount, shardOf } from './shard-of';

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
 * Shard 0, the feed's home: recon files, events without a user, dead letters,
 * and the record of how many shards the deployment has.
 */
export function feedOf(env: Env): FeedStub {
  return feedShard(env, 0);
}
