import { deleteMeta, metaValue, setMeta } from '../meta-table';
import { shardOf } from '../shard-of';

/**
 * One user as `exportUsers` hands it over: its `users` row (every column, by
 * name) and its `user_sessions` rows. Its events stay where they are.
 */
export interface ExportedUser {
  uaid: string;
  user: Record<string, string | number | null>;
  sessions: { object_id: string; until: number }[];
}

/** Users read at a time while looking for those that move. */
const SCAN = 1_000;
/** feed_meta: where the export towards a shard count resumes (users before it all stay). */
const RESUME = 'export_after:';

/** Columns whose merge keeps the larger (a user imported twice is not counted twice). */
const LARGER = /_count$|_failures$|^kv_written_at$/;
/** Per-kind columns: the later change wins, with its source. */
const KINDS = ['kyc', 'risk', 'status'];

/**
 * Growing the feed from N shards to more (`POST /v1/feed/reshard`): each old
 * shard exports the users that now belong elsewhere, their new shard imports
 * them, and the old one drops them. Called while FEED_SHARDS_CHANGED refuses
 * everything else, so the rows do not change under it. Each method is one
 * change: call inside `transactionSync`.
 */
export class Reshard {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Up to `limit` of this shard's users (shard `index`) that belong to another
   * shard of `to`, as JSON (`ExportedUser[]`; `[]` when none is left). The
   * scan resumes after the users already found to stay, so exporting every
   * user reads each about once; users exported and not dropped yet are
   * exported again.
   */
  export(index: number, to: number, limit: number): string {
    const key = `${RESUME}${to}`;
    let after = metaValue(this.sql, key) ?? '';
    let resume = after;
    const moving: string[] = [];
    for (;;) {
      const uaids = this.sql
        .exec<{ uaid: string }>(
          'SELECT uaid FROM users WHERE uaid > ? ORDER BY uaid LIMIT ?',
          after,
          SCAN,
        )
        .toArray()
        .map((row) => row.uaid);
      for (const uaid of uaids) {
        if (shardOf(uaid, to) !== index) moving.push(uaid);
        else if (moving.length === 0) resume = uaid;
        if (moving.length === limit) break;
      }
      if (moving.length === limit || uaids.length < SCAN) break;
      after = uaids.at(-1)!;
    }
    setMeta(this.sql, key, resume);
    if (moving.length === 0) return '[]';
    const list = JSON.stringify(moving);
    const users = this.sql
      .exec<ExportedUser['user']>(
        'SELECT * FROM users WHERE uaid IN (SELECT value FROM json_each(?)) ORDER BY uaid',
        list,
      )
      .toArray();
    const sessions = this.sql
      .exec<{ uaid: string; object_id: string; until: number }>(
        'SELECT * FROM user_sessions WHERE uaid IN (SELECT value FROM json_each(?))',
        list,
      )
      .toArray();
    const exported = users.map((user): ExportedUser => ({
      uaid: String(user.uaid),
      user,
      sessions: sessions
        .filter((s) => s.uaid === user.uaid)
        .map(({ object_id, until }) => ({ object_id, until })),
    }));
    return JSON.stringify(exported);
  }

  /**
   * Inserts the users `export` gave (idempotent). A user this shard already
   * holds (news of it arrived here first) is merged: for each kind the later
   * change with its source, the larger count, this shard's value of every
   * other column where it has one, and KV gets the merge. How many users were
   * imported.
   */
  import(json: string): number {
    const users = JSON.parse(json) as ExportedUser[];
    if (users.length === 0) return 0;
    const columns = this.sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('users')")
      .toArray()
      .map((row) => row.name);
    const merge = columns
      .filter((c) => !['uaid', 'version', 'kv_version'].includes(c))
      .filter((c) => !KINDS.some((k) => c === `${k}_at` || c === `${k}_source`))
      .map((c) =>
        LARGER.test(c) ? `${c} = MAX(${c}, excluded.${c})` : `${c} = COALESCE(${c}, excluded.${c})`,
      );
    // The very row imported before changes nothing; any other merge is copied to KV again.
    merge.push(
      'version = MAX(version, excluded.version)',
      `kv_version = IIF(version = excluded.version AND kv_version = excluded.kv_version,
         kv_version, 0)`,
    );
    for (const k of KINDS) {
      merge.push(
        `${k}_source = IIF(excluded.${k}_at > ${k}_at OR ${k}_at IS NULL, excluded.${k}_source, ${k}_source)`,
        `${k}_at = COALESCE(MAX(${k}_at, excluded.${k}_at), ${k}_at, excluded.${k}_at)`,
      );
    }
    this.sql.exec(
      `INSERT INTO users (${columns.join(', ')})
       SELECT ${columns.map((c) => `value -> 'user' ->> '${c}'`).join(', ')} FROM json_each(?)
       WHERE true ON CONFLICT (uaid) DO UPDATE SET ${merge.join(', ')}`,
      json,
    );
    this.sql.exec(
      `INSERT INTO user_sessions (uaid, object_id, until)
       SELECT u.value ->> 'uaid', s.value ->> 'object_id', s.value ->> 'until'
       FROM json_each(?) AS u, json_each(u.value, '$.sessions') AS s
       WHERE true ON CONFLICT DO UPDATE SET until = MAX(until, excluded.until)`,
      json,
    );
    return users.length;
  }

  /** Deletes the rows of users now held by another shard (not their events): how many users. */
  drop(uaids: readonly string[]): number {
    if (uaids.length === 0) return 0;
    const list = JSON.stringify(uaids);
    this.sql.exec('DELETE FROM user_sessions WHERE uaid IN (SELECT value FROM json_each(?))', list);
    return this.sql
      .exec('DELETE FROM users WHERE uaid IN (SELECT value FROM json_each(?)) RETURNING uaid', list)
      .toArray().length;
  }

  /**
   * The hashes of ids forgotten on this shard, as JSON. A hash names no
   * shard, so each new shard gets them all: late news of a forgotten id is
   * dropped wherever the id now belongs.
   */
  exportForgotten(): string {
    return JSON.stringify(this.sql.exec('SELECT id_hash, forgotten_at FROM forgotten').toArray());
  }

  /** Keeps the hashes `exportForgotten` gave (idempotent): how many were new. */
  importForgotten(json: string): number {
    return this.sql
      .exec(
        `INSERT INTO forgotten (id_hash, forgotten_at)
         SELECT value ->> 'id_hash', value ->> 'forgotten_at' FROM json_each(?)
         WHERE true ON CONFLICT DO NOTHING RETURNING id_hash`,
        json,
      )
      .toArray().length;
  }

  /** The shard count is set: exports towards it start over next time. */
  reset(): void {
    deleteMeta(this.sql, RESUME);
  }
}
