// Fills the feed object's SQLite file while its wrangler dev is stopped, through
// the Worker's own `insertEvent` and `mergeChange` (worker/feed/), so the rows
// are those the object writes. Webhooks at a few hundred a second would take
// minutes to make 100,000 events; the feed read is what is measured, not how
// the events got there.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importTs } from './_bundle.mjs';

const WEBHOOK_TYPES = [
  ['kyc.updated', 'kyc'],
  ['risk.flagged', 'risk'],
  ['account_status.updated', 'account-status'],
];

/**
 * `n` events as the feed holds them: three webhook events of the three kinds
 * for each recon miss, two events per user (`n / 2` users), the latest `n` ms
 * before `now`.
 */
export function seedEvents(n, now = Date.now(), prefix = 'seed') {
  const rows = [];
  const users = Math.max(1, Math.floor(n / 2));
  for (let i = 0; i < n; i++) {
    const uaid = `${prefix}-user-${i % users}`;
    const occurredAt = now - n + i;
    if (i % 4 === 3) {
      const period = { from: '2026-11-30', to: '2026-11-30' };
      rows.push({
        type: 'recon.missed',
        kind: 'kyc',
        uaid,
        occurredAt,
        source: 'recon',
        dedupeKey: `miss:kyc:${period.from}:${period.to}:${uaid}:${i}`,
        data: { kind: 'kyc', fileType: 'kyc_passport_sync_recon', period },
      });
    } else {
      const [type, kind] = WEBHOOK_TYPES[i % 4];
      rows.push({
        type,
        kind,
        uaid,
        occurredAt,
        source: 'webhook',
        notificationId: `${prefix}-${i}`,
      });
    }
  }
  return rows;
}

/** The EventFeed object's SQLite file under a stack's `persistTo` (the object must exist). */
export function feedDatabase(persistTo) {
  const dir = join(persistTo, 'worker', 'v3', 'do', 'paypay-kyc-passport-EventFeed');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length !== 1) throw new Error(`expected one EventFeed database in ${dir}`);
  return join(dir, files[0]);
}

/** Opens the stopped stack's feed database; `sql` is its SqlStorage, as far as our tables use it. */
async function open(persistTo) {
  // Imported here: node:sqlite warns that it is experimental, and only this needs it.
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(feedDatabase(persistTo));
  const sql = {
    exec: (query, ...binds) => {
      const found = db.prepare(query).all(...binds);
      return { toArray: () => found, one: () => found[0], [Symbol.iterator]: () => found.values() };
    },
  };
  return { db, sql };
}

/**
 * Inserts `rows` into the stopped stack's feed object and merges each into its
 * user, as a webhook or recon line would; the users' KV copies are marked
 * current. Returns the events and users it holds.
 */
export async function seedFeed(persistTo, rows) {
  const { insertEvent } = await importTs('worker/feed/events-table.ts');
  const { mergeChange } = await importTs('worker/feed/users-table.ts');
  const { db, sql } = await open(persistTo);
  db.exec('BEGIN');
  for (const row of rows) {
    if (insertEvent(sql, row) !== null && row.uaid && row.kind) {
      mergeChange(sql, row.uaid, row.kind, row.occurredAt, row.source, row.occurredAt);
    }
  }
  db.prepare('UPDATE users SET kv_version = version, kv_written_at = ?').run(Date.now());
  db.exec('COMMIT');
  const events = db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
  const users = db.prepare('SELECT COUNT(*) AS n FROM users').get().n;
  db.close();
  return { events, users };
}

/** Marks the seeded users' KV copies stale (as after a recon naming them all); how many. */
export async function staleCopies(persistTo, prefix = 'seed') {
  const { db } = await open(persistTo);
  const { changes } = db
    .prepare('UPDATE users SET kv_version = 0, kv_written_at = 0 WHERE uaid LIKE ?')
    .run(`${prefix}-user-%`);
  db.close();
  return Number(changes);
}

/** Users of the stopped stack's feed still waiting for their KV copy. */
export async function copiesWaiting(persistTo) {
  const { db } = await open(persistTo);
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM users WHERE version > kv_version').get();
  db.close();
  return n;
}
