/**
 * The KV-copy columns of `users` (`version`, `kv_version`, `kv_written_at`):
 * which users wait for their copy, and marking them copied. `kv-copy.ts`
 * writes the copies; `users-table.ts` owns the rest of the row.
 */

/** Users changed since their KV copy whose last copy was written before `writtenBefore`. */
export function usersToCopy(
  sql: SqlStorage,
  writtenBefore: number,
  limit: number,
): { uaid: string; version: number }[] {
  return sql
    .exec<{ uaid: string; version: number }>(
      `SELECT uaid, version FROM users WHERE version > kv_version AND kv_written_at <= ?
       ORDER BY kv_written_at LIMIT ?`,
      writtenBefore,
      limit,
    )
    .toArray();
}

/** Records that KV holds each user's state as of its `version`: one statement. */
export function markCopied(
  sql: SqlStorage,
  copied: readonly { uaid: string; version: number }[],
  at: number,
): void {
  if (copied.length === 0) return;
  sql.exec(
    `UPDATE users SET kv_version = MAX(users.kv_version, c.version), kv_written_at = ?
     FROM (SELECT value ->> 'uaid' AS uaid, value ->> 'version' AS version FROM json_each(?)) AS c
     WHERE users.uaid = c.uaid`,
    at,
    JSON.stringify(copied),
  );
}

/** How many users wait for their KV copy, and the oldest last copy among them. */
export function waitingForCopy(sql: SqlStorage): { n: number; next: number | null } {
  return sql
    .exec<{ n: number; next: number | null }>(
      'SELECT COUNT(*) AS n, MIN(kv_written_at) AS next FROM users WHERE version > kv_version',
    )
    .one();
}
