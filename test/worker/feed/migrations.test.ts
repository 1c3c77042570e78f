import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../../worker/feed/migrations';
import { blank } from './blank';

/**
 * The schema as objects deployed before numbered migrations created it (the
 * `CREATE TABLE IF NOT EXISTS` list of worker/feed/schema.ts), written out
 * here so a change to v1's statements cannot hide a break.
 */
const DEPLOYED_DDL = [
  `CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, kind TEXT,
    uaid TEXT, occurred_at INTEGER NOT NULL, source TEXT NOT NULL, notification_id TEXT UNIQUE,
    dedupe_key TEXT UNIQUE, data TEXT NOT NULL DEFAULT '{}')`,
  'CREATE INDEX events_by_user ON events (uaid, kind, occurred_at)',
  'CREATE INDEX events_by_time ON events (occurred_at)',
  `CREATE TABLE users (uaid TEXT PRIMARY KEY,
    kyc_at INTEGER, kyc_source TEXT, kyc_count INTEGER NOT NULL DEFAULT 0,
    risk_at INTEGER, risk_source TEXT, risk_count INTEGER NOT NULL DEFAULT 0,
    status_at INTEGER, status_source TEXT, status_count INTEGER NOT NULL DEFAULT 0,
    standing TEXT, standing_checked_at INTEGER, standing_changed_at INTEGER, hinted_at INTEGER,
    reread_due_at INTEGER, reread_lease_until INTEGER, reread_started_at INTEGER,
    reread_failures INTEGER NOT NULL DEFAULT 0, reread_error TEXT, updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, kv_version INTEGER NOT NULL DEFAULT 0,
    kv_written_at INTEGER NOT NULL DEFAULT 0)`,
  'CREATE INDEX users_dirty ON users (kv_written_at) WHERE version > kv_version',
  'CREATE INDEX users_reread ON users (reread_due_at) WHERE reread_due_at IS NOT NULL',
  `CREATE TABLE recon_files (notification_id TEXT PRIMARY KEY, file_type TEXT NOT NULL,
    path TEXT NOT NULL, requested_at INTEGER NOT NULL, period_from TEXT NOT NULL,
    period_to TEXT NOT NULL, received_at INTEGER NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, lease_until INTEGER,
    last_error TEXT, ids_total INTEGER, processed INTEGER NOT NULL DEFAULT 0,
    missed INTEGER NOT NULL DEFAULT 0, junk INTEGER NOT NULL DEFAULT 0, junk_lines TEXT,
    finished_at INTEGER)`,
  "CREATE INDEX recon_due ON recon_files (next_attempt_at) WHERE state = 'pending'",
  `CREATE TABLE outbox (seq INTEGER PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, lease_until INTEGER, state TEXT NOT NULL DEFAULT 'pending',
    last_status INTEGER, last_error TEXT)`,
  "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending'",
];

/** A row in each table, as a deployed object holds them. */
const DEPLOYED_ROWS = [
  `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id)
   VALUES ('kyc.updated', 'kyc', 'u-old', 1000, 'webhook', 'evt-old')`,
  `INSERT INTO users (uaid, kyc_at, kyc_source, kyc_count, standing, standing_checked_at,
     updated_at, version) VALUES ('u-old', 1000, 'webhook', 1, 'OK', 1500, 1500, 3)`,
  `INSERT INTO recon_files (notification_id, file_type, path, requested_at, period_from,
     period_to, received_at, state, next_attempt_at)
   VALUES ('file-old', 'kyc_passport_sync_recon', 'https://sandbox.test/f.csv', 1000,
     '2026-08-01', '2026-08-01', 1000, 'done', 1000)`,
  'INSERT INTO outbox (seq, next_attempt_at) VALUES (1, 1000)',
];

const TABLES = ['events', 'users', 'recon_files', 'outbox'];

type Storage = DurableObjectStorage;
const LATEST = MIGRATIONS.map((m) => m.version);

/** A fresh object whose database is emptied, as before the first release. */
async function inBlankObject<R>(work: (storage: Storage) => R): Promise<R> {
  const stub = env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
  return runInDurableObject(stub, (_object, state) => {
    blank(state.storage);
    return work(state.storage);
  });
}

/** Tables' columns (name, type, default, not-null) and index names: the schema as used. */
function schemaOf(storage: Storage) {
  const sql = storage.sql;
  const columns = Object.fromEntries(
    TABLES.map((table) => [
      table,
      sql
        .exec('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', table)
        .toArray(),
    ]),
  );
  const indexes = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .toArray()
    .map((row) => row.name);
  return { columns, indexes };
}

function versionsOf(storage: Storage): number[] {
  return storage.sql
    .exec<{ version: number }>('SELECT version FROM _migrations ORDER BY version')
    .toArray()
    .map((row) => row.version);
}

function current(): Promise<ReturnType<typeof schemaOf>> {
  return inBlankObject((storage) => {
    migrate(storage);
    return schemaOf(storage);
  });
}

describe('the feed object’s schema migrations', () => {
  it('records versions in a table: Durable Object SQLite refuses PRAGMA user_version', async () => {
    await runInDurableObject(env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId()), (_o, state) => {
      expect(() => state.storage.sql.exec('PRAGMA user_version').toArray()).toThrow(/SQLITE_AUTH/);
      expect(versionsOf(state.storage)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(SCHEMA_VERSION).toBe(7);
    });
  });

  it('applies each migration once', async () => {
    await inBlankObject((storage) => {
      expect(migrate(storage)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(migrate(storage)).toEqual([]);
      expect(versionsOf(storage)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });

  it('brings an object deployed before the request-id columns to the current schema, rows kept', async () => {
    const latest = await current();
    expect(latest.columns.users).toContainEqual(
      expect.objectContaining({ name: 'standing_request_id' }),
    );
    await inBlankObject((storage) => {
      for (const statement of [...DEPLOYED_DDL, ...DEPLOYED_ROWS]) storage.sql.exec(statement);
      expect(migrate(storage)).toEqual(LATEST);
      expect(schemaOf(storage)).toEqual(latest);
      expect(versionsOf(storage)).toEqual(LATEST);
      const sql = storage.sql;
      expect(sql.exec('SELECT * FROM users').toArray()).toEqual([
        expect.objectContaining({
          uaid: 'u-old',
          kyc_count: 1,
          standing: 'OK',
          version: 3,
          standing_request_id: null,
          reread_request_id: null,
          // v3: PayPay answered OK for this user, so it is confirmed as of that read.
          confirmed_at: 1500,
        }),
      ]);
      for (const table of TABLES) {
        expect(sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n).toBe(1);
      }
      // The cursor goes on from the deployed events.
      const next = sql
        .exec<{ seq: number }>(
          `INSERT INTO events (type, occurred_at, source) VALUES ('recon.lost', 2000, 'recon')
           RETURNING seq`,
        )
        .one();
      expect(next.seq).toBe(2);
    });
  });

  it('keeps the columns an object already added before migrations were numbered', async () => {
    const latest = await current();
    await inBlankObject((storage) => {
      for (const statement of [...DEPLOYED_DDL, ...DEPLOYED_ROWS]) storage.sql.exec(statement);
      storage.sql.exec('ALTER TABLE users ADD COLUMN standing_request_id TEXT');
      storage.sql.exec('ALTER TABLE users ADD COLUMN reread_request_id TEXT');
      storage.sql.exec("UPDATE users SET standing_request_id = 'req-1'");
      expect(migrate(storage)).toEqual(LATEST);
      expect(schemaOf(storage)).toEqual(latest);
      expect(storage.sql.exec('SELECT standing_request_id FROM users').one()).toEqual({
        standing_request_id: 'req-1',
      });
    });
  });

  it('leaves nothing of a migration that fails, and records it only once it succeeds', async () => {
    await inBlankObject((storage) => {
      migrate(storage);
      const broken = {
        version: 99,
        description: 'test',
        statements: ['CREATE TABLE t3 (x)', 'NO'],
      };
      expect(() => migrate(storage, [...MIGRATIONS, broken])).toThrow();
      expect(versionsOf(storage)).toEqual(LATEST);
      const t3 = storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 't3'").toArray();
      expect(t3).toEqual([]);
    });
  });

  it('marks, at v5, a referenceId recorded before as public: nothing says the merchant set it', async () => {
    await inBlankObject((storage) => {
      migrate(storage, MIGRATIONS.slice(0, 4));
      const sql = storage.sql;
      sql.exec("INSERT INTO users (uaid, updated_at, reference_id) VALUES ('u-ref', 900, 'r-1')");
      sql.exec("INSERT INTO users (uaid, updated_at) VALUES ('u-none', 900)");
      expect(migrate(storage)).toEqual([5, 6, 7]);
      const rows = sql
        .exec('SELECT uaid, reference_id, reference_id_mode FROM users ORDER BY uaid')
        .toArray();
      expect(rows).toEqual([
        { uaid: 'u-none', reference_id: null, reference_id_mode: null },
        { uaid: 'u-ref', reference_id: 'r-1', reference_id_mode: 'public' },
      ]);
    });
  });

  it('confirms, at v3, the users PayPay answered for or listed, and no others', async () => {
    await inBlankObject((storage) => {
      migrate(storage, MIGRATIONS.slice(0, 2));
      const sql = storage.sql;
      const user = (uaid: string, extra: string) =>
        sql.exec(
          `INSERT INTO users (uaid, updated_at, ${extra.split('=')[0]}) VALUES (?, 900, ?)`,
          uaid,
          extra.split('=')[1],
        );
      user('u-recon', 'kyc_source=recon');
      user('u-invalid', 'standing=INVALID_USER_AUTHORIZATION_ID');
      user('u-hinted', 'risk_source=webhook');
      expect(migrate(storage)).toEqual([3, 4, 5, 6, 7]);
      const rows = sql
        .exec<{ uaid: string; confirmed_at: number | null }>(
          'SELECT uaid, confirmed_at FROM users ORDER BY uaid',
        )
        .toArray();
      expect(rows).toEqual([
        { uaid: 'u-hinted', confirmed_at: null },
        { uaid: 'u-invalid', confirmed_at: null },
        { uaid: 'u-recon', confirmed_at: 900 },
      ]);
    });
  });
});
