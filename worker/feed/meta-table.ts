/**
 * The `feed_meta` table (migration v6): a few named values the object keeps
 * about itself, such as the shard count it was set up for.
 */

/** The value under `key`, or null. */
export function metaValue(sql: SqlStorage, key: string): string | null {
  return (
    sql.exec<{ value: string }>('SELECT value FROM feed_meta WHERE key = ?', key).toArray()[0]
      ?.value ?? null
  );
}

/** Sets the value under `key`. */
export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    'INSERT INTO feed_meta (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
    key,
    value,
  );
}

/** Deletes the values whose key starts with `prefix`. */
export function deleteMeta(sql: SqlStorage, prefix: string): void {
  sql.exec('DELETE FROM feed_meta WHERE substr(key, 1, ?) = ?', prefix.length, prefix);
}
