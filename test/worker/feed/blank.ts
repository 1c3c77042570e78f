/**
 * Empties an object's database, as before the feed's first release: every
 * table of ours, `_migrations` included (the object migrated itself when it
 * started). Cloudflare's own (`_cf_*`) and SQLite's stay.
 */
export function blank(storage: DurableObjectStorage): void {
  const tables = storage.sql
    .exec<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table'
         AND substr(name, 1, 7) <> 'sqlite_' AND substr(name, 1, 4) <> '_cf_'`,
    )
    .toArray();
  for (const { name } of tables) storage.sql.exec(`DROP TABLE "${name}"`);
}
