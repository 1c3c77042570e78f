import type { ExportedUser } from './features/reshard';
import { byShard, feedOf, feedShard } from './stub';

/**
 * Growing the feed from `from` shards to `to` (`POST /v1/feed/reshard`): the
 * users of each old shard whose shard out of `to` is another are copied to it,
 * then dropped from the old one; their events stay where they are (the
 * cursor reads every shard). Bounded per call so one request stays inside
 * Workers' subrequests; the caller (the CLI) calls again while `remaining`.
 * Every step is safe to repeat: an import of users already there adds
 * nothing, and users are dropped only once their new shard holds them.
 */
export const RESHARD_LIMITS = {
  /** Users one export carries (their rows as one JSON text over RPC). */
  users: 500,
  /** Feed calls one request makes at most (Workers allow 1,000 subrequests). */
  calls: 400,
};

/** What one call did: users moved, and whether any are left to move. */
export interface ReshardStep {
  moved: number;
  remaining: boolean;
}

/**
 * Moves users until none is left or this call's share of calls is used. Once
 * no old shard has a user to move, every shard records `to` (`setShards`), and
 * the shard guard lets the feed work again.
 */
export async function reshardStep(
  env: Env,
  from: number,
  to: number,
  now: number,
): Promise<ReshardStep> {
  let calls = 0;
  let moved = 0;
  for (let index = 0; index < from; index++) {
    for (;;) {
      // An export, an import per new shard (at most `to` - 1), a drop.
      if (calls + to + 1 > RESHARD_LIMITS.calls) return { moved, remaining: true };
      calls++;
      const users = JSON.parse(
        (await feedShard(env, index).exportUsers(index, to, RESHARD_LIMITS.users)).value,
      ) as ExportedUser[];
      if (users.length === 0) break;
      const parts = byShard(users, to, (user) => user.uaid);
      calls += parts.size;
      await Promise.all(
        [...parts].map(([target, part]) =>
          feedShard(env, target).importUsers(JSON.stringify(part), now),
        ),
      );
      calls++;
      await feedShard(env, index).dropUsers(users.map((user) => user.uaid));
      moved += users.length;
    }
  }
  // Completed forgets are kept as hashes, which name no shard: every shard
  // gets every old shard's, so late news of a forgotten id is dropped there too.
  if (calls + from * to > RESHARD_LIMITS.calls) return { moved, remaining: true };
  for (let index = 0; index < from; index++) {
    const hashes = (await feedShard(env, index).exportForgotten()).value;
    const others = Array.from({ length: to }, (_, j) => j).filter((j) => j !== index);
    await Promise.all(others.map((j) => feedShard(env, j).importForgotten(hashes)));
    calls += 1 + others.length;
  }
  if (calls + to > RESHARD_LIMITS.calls) return { moved, remaining: true };
  // Home last: should a call stop halfway, home still refuses and /healthz still says so.
  for (let index = to - 1; index >= 1; index--) await feedShard(env, index).setShards(to);
  await feedOf(env).setShards(to);
  return { moved, remaining: false };
}
