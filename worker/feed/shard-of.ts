import { MAX_FEED_SHARDS } from '../settings/values';

/**
 * The shard arithmetic, apart from the stubs (stub.ts): the feed object itself
 * needs it (its shard guard, the users a reshard moves), and stub.ts imports
 * the object's type, so the object importing stub.ts would be an import cycle.
 */

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
 * Items grouped by the shard of their user, each group in the items' order:
 * how a consumer batch, a recon batch and a reshard export are split.
 */
export function byShard<T>(
  items: readonly T[],
  shards: number,
  userOf: (item: T) => string,
): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const index = shardOf(userOf(item), shards);
    const group = groups.get(index);
    if (group) group.push(item);
    else groups.set(index, [item]);
  }
  return groups;
}
