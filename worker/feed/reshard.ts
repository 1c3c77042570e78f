import { feedOf, feedShard, shardOf } from './stub';

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

/** The rows of an export: table name to rows, each row of a user carrying its `uaid`. */
type Export = Record<string, Record<string, unknown>[]>;

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
      const rows = exportOf(
        (await feedShard(env, index).exportUsers(index, to, RESHARD_LIMITS.users)).value,
      );
      const uaids = usersOf(rows);
      if (uaids.length === 0) break;
      const parts = byShard(rows, to);
      calls += parts.size;
      await Promise.all(
        [...parts].map(([target, part]) =>
          feedShard(env, target).importUsers(JSON.stringify(part), now),
        ),
      );
      calls++;
      await feedShard(env, index).dropUsers(uaids);
      moved += uaids.length;
    }
  }
  if (calls + to > RESHARD_LIMITS.calls) return { moved, remaining: true };
  // Home last: should a call stop halfway, home still refuses and /healthz still says so.
  for (let index = to - 1; index >= 1; index--) await feedShard(env, index).setShards(to);
  await feedOf(env).setShards(to);
  return { moved, remaining: false };
}

function exportOf(json: string): Export {
  const parsed: unknown = JSON.parse(json);
  // An empty export may be an empty array or an object of empty tables.
  if (Array.isArray(parsed) || typeof parsed !== 'object' || parsed === null) return {};
  return parsed as Export;
}

/** The users an export names, each once. */
function usersOf(rows: Export): string[] {
  const users = new Set<string>();
  for (const table of Object.values(rows)) {
    for (const row of table) if (typeof row.uaid === 'string') users.add(row.uaid);
  }
  return [...users];
}

/**
 * An export split by the new shard of each row's user; a row without a user
 * goes to every shard that gets any (it cannot be placed, and an import of a
 * row already there adds nothing).
 */
function byShard(rows: Export, to: number): Map<number, Export> {
  const parts = new Map<number, Export>();
  const shared: [string, Record<string, unknown>][] = [];
  for (const [table, list] of Object.entries(rows)) {
    for (const row of list) {
      if (typeof row.uaid !== 'string') {
        shared.push([table, row]);
        continue;
      }
      const target = shardOf(row.uaid, to);
      const part = parts.get(target) ?? {};
      (part[table] ??= []).push(row);
      parts.set(target, part);
    }
  }
  for (const part of parts.values())
    for (const [table, row] of shared) (part[table] ??= []).push(row);
  return parts;
}
