// Reading the feed as a merchant does, and the feed's databases as the bench
// checks them. The cursor is opaque (composite when FEED_SHARDS > 1): it is only
// ever passed back, never parsed or made up. An event may become readable a
// while after its webhook's 200 (the Queue in front of ingest), so what a bench
// waits for it observes (the feed, a database), never a delay.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importTs } from './_bundle.mjs';
import { getJson } from './_http.mjs';

/** The largest page `GET /v1/events` gives. */
export const PAGE = 1000;

/** A page of our feed after `cursor` (null: from the start). */
export function pageOf(workerUrl, auth, cursor, limit = PAGE) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('after', cursor);
  return getJson(`${workerUrl}/v1/events?${query}`, auth);
}

/** The cursor of the feed's end now: pages from the start until one comes back empty. */
export async function tailCursor(workerUrl, auth) {
  let cursor = null;
  for (;;) {
    const page = await pageOf(workerUrl, auth, cursor);
    cursor = page.cursor ?? cursor;
    if (page.events.length === 0) return cursor;
  }
}

/**
 * Follows a feed from `cursor` as fast as it can: the next page at once after a
 * full one, `idleMs` after a short one. `onEvents(events, at)` gets each page's
 * events and when it was answered (performance.now()). Stops once `done()` is
 * true or at `deadline` (performance.now() ms). Returns the pages read, the ms
 * spent waiting for them and the cursor reached.
 */
export async function follow(pageAt, cursor, { onEvents, done, deadline = Infinity, idleMs = 50 }) {
  let pages = 0;
  let ms = 0;
  while (!done() && performance.now() < deadline) {
    const asked = performance.now();
    const page = await pageAt(cursor);
    const at = performance.now();
    pages++;
    ms += at - asked;
    cursor = page.cursor ?? cursor;
    onEvents(page.events, at);
    if (page.events.length < PAGE && !done()) {
      await new Promise((resolve) => setTimeout(resolve, idleMs));
    }
  }
  return { pages, ms, cursor };
}

/** Every EventFeed database under a stack's `persistTo`: one per feed object that exists. */
export function feedDatabases(persistTo) {
  const dir = join(persistTo, 'worker', 'v3', 'do', 'paypay-kyc-passport-EventFeed');
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
    .sort()
    .map((f) => join(dir, f));
}

/** Runs `read(db)` on one database opened read-only (safe beside a running Worker: WAL). */
export async function readDatabase(file, read) {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The recon_files row of a notification, from whichever database holds it (the home shard's). */
export async function reconRow(persistTo, notificationId) {
  for (const file of feedDatabases(persistTo)) {
    const row = await readDatabase(file, (db) =>
      db
        .prepare(
          `SELECT state, processed, missed, lease_until, attempts, ids_total
           FROM recon_files WHERE notification_id = ?`,
        )
        .get(notificationId),
    ).catch(() => undefined);
    if (row) return { ...row, file };
  }
  return undefined;
}

/**
 * Which shard each database is, told by its content: the Worker's own
 * `shardOf` of the users it holds (all of one shard when the feed is sharded),
 * shard 0 for one holding recon files and no users. `shard` is null when its
 * users are of several shards: a Worker that did not shard.
 */
export async function identifyShards(files, shards) {
  const { shardOf } = await importTs('worker/feed/stub.ts');
  const out = [];
  for (const file of files) {
    const { uaids, recon } = await readDatabase(file, (db) => ({
      uaids: db
        .prepare('SELECT uaid FROM users LIMIT 200')
        .all()
        .map((r) => r.uaid),
      recon: db.prepare('SELECT COUNT(*) AS n FROM recon_files').get().n,
    }));
    const seen = [...new Set(uaids.map((uaid) => shardOf(uaid, shards)))].sort((a, b) => a - b);
    const shard = seen.length === 1 ? seen[0] : seen.length === 0 && recon > 0 ? 0 : null;
    out.push({ file, shard, usersOfShards: seen, reconFiles: recon });
  }
  return out.sort((a, b) => (a.shard ?? 99) - (b.shard ?? 99));
}

/**
 * The stopped stack's feed databases attached to one read connection as
 * s0, s1, ...; `events`, `users` and `recon_files` are temporary views over all
 * of them with a `shard` column (the database's position), so one query counts
 * across shards. Close with `db.close()`.
 */
export async function openAll(files) {
  // SQLite attaches at most 10 databases unless compiled otherwise.
  if (files.length > 10) throw new Error(`${files.length} feed databases: at most 10 are checked`);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(':memory:');
  files.forEach((file, i) => db.prepare(`ATTACH DATABASE ? AS s${i}`).run(file));
  for (const table of ['events', 'users', 'recon_files']) {
    const arms = files.map((_, i) => `SELECT ${i} AS shard, * FROM s${i}.${table}`);
    db.exec(`CREATE TEMP VIEW ${table} AS ${arms.join(' UNION ALL ')}`);
  }
  return db;
}
