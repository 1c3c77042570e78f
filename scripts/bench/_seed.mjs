// Fills the feed object's SQLite file with events while its wrangler dev is
// stopped, through the Worker's own `insertEvent` (worker/feed/events-table.ts),
// so the rows are exactly those the object writes. Webhooks at a few hundred a
// second would take minutes to make 100,000 events; the feed read is what is
// measured, not how the events got there.
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
 * for each recon miss, about 5,000 users, the latest `n` ms before `now`.
 */
export function seedEvents(n, now = Date.now(), prefix = 'seed') {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const uaid = `${prefix}-user-${i % 5000}`;
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

/** Inserts `rows` into the stopped stack's feed object; returns the events it holds. */
export async function seedFeed(persistTo, rows) {
  const { insertEvent } = await importTs('worker/feed/events-table.ts');
  // Imported here: node:sqlite warns that it is experimental, and only this needs it.
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(feedDatabase(persistTo));
  // The Durable Object's SqlStorage, as far as insertEvent uses it.
  const sql = {
    exec: (query, ...binds) => {
      const found = db.prepare(query).all(...binds);
      return { toArray: () => found, one: () => found[0] };
    },
  };
  db.exec('BEGIN');
  for (const row of rows) insertEvent(sql, row);
  db.exec('COMMIT');
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM events').get();
  db.close();
  return n;
}
