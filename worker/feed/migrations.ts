/**
 * The feed object's schema, whole, as numbered migrations of literal SQL: the
 * one place its tables are written down (after cloudflare/actors'
 * `sql-schema-migrations.ts`: an ordered list, each entry applied once and
 * never edited once released; a change is a new entry with the next number).
 * The modules under worker/feed/ and worker/recon/ hold only queries.
 */
export interface Migration {
  version: number;
  description: string;
  /**
   * `ALTER TABLE <table> ADD COLUMN <column> <type>` statements, each run only
   * where the table lacks the column: SQLite has no `ADD COLUMN IF NOT EXISTS`,
   * and objects deployed before migrations were numbered may have the column
   * already (v2). They run before `statements`, which may index them.
   */
  addColumns?: readonly string[];
  /** Statements run in order. */
  statements?: readonly string[];
}

/**
 * The feed's schema history, oldest first. v1 uses `IF NOT EXISTS` because
 * objects deployed before migrations were recorded already hold its tables.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, users, recon_files, outbox and their indexes',
    statements: [
      // The feed, append-only; `seq` is the cursor. A notification id, and a
      // dedupe key for events without one (recon misses), are each recorded once.
      `CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    kind TEXT,
    uaid TEXT,
    occurred_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    notification_id TEXT UNIQUE,
    dedupe_key TEXT UNIQUE,
    data TEXT NOT NULL DEFAULT '{}'
  )`,
      'CREATE INDEX IF NOT EXISTS events_by_user ON events (uaid, kind, occurred_at)',
      'CREATE INDEX IF NOT EXISTS events_by_time ON events (occurred_at)',
      // Per-user aggregate, the one place a user's state is merged; KV holds its copy.
      `CREATE TABLE IF NOT EXISTS users (
    uaid TEXT PRIMARY KEY,
    kyc_at INTEGER, kyc_source TEXT, kyc_count INTEGER NOT NULL DEFAULT 0,
    risk_at INTEGER, risk_source TEXT, risk_count INTEGER NOT NULL DEFAULT 0,
    status_at INTEGER, status_source TEXT, status_count INTEGER NOT NULL DEFAULT 0,
    standing TEXT, standing_checked_at INTEGER, standing_changed_at INTEGER,
    hinted_at INTEGER,
    reread_due_at INTEGER,
    reread_lease_until INTEGER,
    reread_started_at INTEGER,
    reread_failures INTEGER NOT NULL DEFAULT 0,
    reread_error TEXT,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    kv_version INTEGER NOT NULL DEFAULT 0,
    kv_written_at INTEGER NOT NULL DEFAULT 0
  )`,
      'CREATE INDEX IF NOT EXISTS users_dirty ON users (kv_written_at) WHERE version > kv_version',
      'CREATE INDEX IF NOT EXISTS users_reread ON users (reread_due_at) WHERE reread_due_at IS NOT NULL',
      // One row per `file.created` notification: its download attempts and progress.
      `CREATE TABLE IF NOT EXISTS recon_files (
    notification_id TEXT PRIMARY KEY,
    file_type TEXT NOT NULL,
    path TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    ids_total INTEGER,
    processed INTEGER NOT NULL DEFAULT 0,
    missed INTEGER NOT NULL DEFAULT 0,
    junk INTEGER NOT NULL DEFAULT 0,
    junk_lines TEXT,
    finished_at INTEGER
  )`,
      "CREATE INDEX IF NOT EXISTS recon_due ON recon_files (next_attempt_at) WHERE state = 'pending'",
      // Forwarding to MERCHANT_WEBHOOK_URL: one row per event still to deliver.
      `CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    state TEXT NOT NULL DEFAULT 'pending',
    last_status INTEGER,
    last_error TEXT
  )`,
      "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE state = 'pending'",
    ],
  },
  {
    version: 2,
    description: "users: PayPay's request ids of the last re-read (standing and failure)",
    addColumns: [
      'ALTER TABLE users ADD COLUMN standing_request_id TEXT',
      'ALTER TABLE users ADD COLUMN reread_request_id TEXT',
    ],
  },
  {
    version: 3,
    description:
      'users.confirmed_at (PayPay spoke about the user), due re-reads split by it, reread_budget',
    statements: [
      'ALTER TABLE users ADD COLUMN confirmed_at INTEGER',
      // Users PayPay already answered for, or listed in a recon file, are confirmed.
      `UPDATE users SET confirmed_at = COALESCE(standing_checked_at, updated_at)
   WHERE (standing IS NOT NULL AND standing <> 'INVALID_USER_AUTHORIZATION_ID')
      OR kyc_source = 'recon' OR risk_source = 'recon' OR status_source = 'recon'`,
      // Due re-reads split in two, so the cron takes confirmed users first without a sort.
      `CREATE INDEX IF NOT EXISTS users_reread_confirmed ON users (reread_due_at)
   WHERE reread_due_at IS NOT NULL AND confirmed_at IS NOT NULL`,
      `CREATE INDEX IF NOT EXISTS users_reread_unconfirmed ON users (reread_due_at)
   WHERE reread_due_at IS NOT NULL AND confirmed_at IS NULL`,
      'CREATE INDEX IF NOT EXISTS users_unconfirmed ON users (hinted_at) WHERE confirmed_at IS NULL',
      `CREATE TABLE IF NOT EXISTS reread_budget (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    window_start INTEGER NOT NULL,
    used INTEGER NOT NULL
  )`,
    ],
  },
  {
    version: 4,
    description:
      "users: PayPay's authorization, its expiry notices, the forget request; user_sessions, forgotten",
    addColumns: [
      // PayPay's authorization; `auth_notice` is the next expiry event still owed.
      'ALTER TABLE users ADD COLUMN verified_at INTEGER',
      'ALTER TABLE users ADD COLUMN reference_id TEXT',
      'ALTER TABLE users ADD COLUMN auth_status TEXT',
      'ALTER TABLE users ADD COLUMN auth_scopes TEXT',
      'ALTER TABLE users ADD COLUMN auth_expires_at INTEGER',
      'ALTER TABLE users ADD COLUMN auth_issued_at INTEGER',
      'ALTER TABLE users ADD COLUMN auth_checked_at INTEGER',
      'ALTER TABLE users ADD COLUMN auth_notice TEXT',
      // A forget under way: the row keeps the id (PayPay's unlink needs it) and the request.
      'ALTER TABLE users ADD COLUMN forget_requested_at INTEGER',
      'ALTER TABLE users ADD COLUMN forget_request_id TEXT',
      'ALTER TABLE users ADD COLUMN forget_due_at INTEGER',
      'ALTER TABLE users ADD COLUMN forget_lease_until INTEGER',
      'ALTER TABLE users ADD COLUMN forget_failures INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE users ADD COLUMN forget_error TEXT',
      'ALTER TABLE users ADD COLUMN forget_paypay_request_id TEXT',
    ],
    statements: [
      'CREATE INDEX IF NOT EXISTS users_verified ON users (verified_at) WHERE verified_at IS NOT NULL',
      `CREATE INDEX IF NOT EXISTS users_auth_expiring ON users (auth_expires_at)
     WHERE auth_notice = 'expiring'`,
      `CREATE INDEX IF NOT EXISTS users_auth_expired ON users (auth_expires_at)
     WHERE auth_notice IS NOT NULL`,
      'CREATE INDEX IF NOT EXISTS users_forget ON users (forget_due_at) WHERE forget_due_at IS NOT NULL',
      // The verification objects that may still hold a user's KYC for its exchange.
      `CREATE TABLE IF NOT EXISTS user_sessions (
    uaid TEXT NOT NULL,
    object_id TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (uaid, object_id)
  )`,
      'CREATE INDEX IF NOT EXISTS user_sessions_until ON user_sessions (until)',
      // A hash of each forgotten id, so late news of it is dropped without keeping the id.
      `CREATE TABLE IF NOT EXISTS forgotten (
    id_hash TEXT PRIMARY KEY,
    forgotten_at INTEGER NOT NULL
  )`,
      'CREATE INDEX IF NOT EXISTS forgotten_at ON forgotten (forgotten_at)',
    ],
  },
  {
    version: 5,
    description: 'users.reference_id_mode: whether the browser or the merchant gave reference_id',
    addColumns: ['ALTER TABLE users ADD COLUMN reference_id_mode TEXT'],
    statements: [
      // Nothing says the merchant set a referenceId recorded before: trusting it
      // would be the mistake the column is there to prevent.
      `UPDATE users SET reference_id_mode = 'public'
     WHERE reference_id IS NOT NULL AND reference_id_mode IS NULL`,
    ],
  },
  {
    version: 6,
    description: 'feed_meta (the shard count the object was set up for), dead_letters',
    statements: [
      // A few named values the object keeps about itself: `shards` (FEED_SHARDS
      // when it was first used, or as the reshard command set it).
      'CREATE TABLE feed_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      // The ingest queue's dead letters, parked on the home shard until replayed.
      `CREATE TABLE dead_letters (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    parked_at INTEGER NOT NULL
  )`,
      'CREATE INDEX dead_letters_parked ON dead_letters (parked_at)',
    ],
  },
  {
    version: 7,
    description: 'users by reference_id, for GET /v1/users?referenceId=',
    statements: [
      // Partial: most users have no referenceId, and `reference_id = ?` implies NOT NULL.
      'CREATE INDEX users_by_reference ON users (reference_id) WHERE reference_id IS NOT NULL',
    ],
  },
];

/**
 * Where applied versions are recorded. Durable Object SQLite refuses
 * `PRAGMA user_version` (SQLITE_AUTH), so the version lives in a table.
 */
const LEDGER = `CREATE TABLE IF NOT EXISTS _migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

const ADD_COLUMN = /^ALTER TABLE (\w+) ADD COLUMN (\w+) /;

/**
 * Brings the database to the latest version: each migration not yet recorded
 * runs, with its record, in one transaction, so a failure leaves the previous
 * version whole and the next start tries again. Returns the versions applied.
 */
export function migrate(
  storage: Pick<DurableObjectStorage, 'sql' | 'transactionSync'>,
  migrations: readonly Migration[] = MIGRATIONS,
  now = Date.now(),
): number[] {
  const sql = storage.sql;
  sql.exec(LEDGER);
  const done = new Set(
    sql
      .exec<{ version: number }>('SELECT version FROM _migrations')
      .toArray()
      .map((row) => row.version),
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    storage.transactionSync(() => {
      for (const statement of migration.addColumns ?? []) {
        const [, table, column] = ADD_COLUMN.exec(statement) ?? [];
        if (table === undefined || column === undefined)
          throw new Error(`not ADD COLUMN: ${statement}`);
        if (!columnsOf(sql, table).has(column)) sql.exec(statement);
      }
      for (const statement of migration.statements ?? []) sql.exec(statement);
      sql.exec(
        'INSERT INTO _migrations (version, description, applied_at) VALUES (?, ?, ?)',
        migration.version,
        migration.description,
        now,
      );
    });
    applied.push(migration.version);
  }
  return applied;
}

/** The latest schema version, the one `migrate` brings every object to. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

function columnsOf(sql: SqlStorage, table: string): Set<string> {
  return new Set(
    sql
      .exec<{ name: string }>('SELECT name FROM pragma_table_info(?)', table)
      .toArray()
      .map((row) => row.name),
  );
}
