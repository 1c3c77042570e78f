import type { NotificationKind } from '../../shared/feed';

/**
 * The event feed object's tables (SQLite storage). Created on construction;
 * `IF NOT EXISTS` makes that a no-op after the first time. docs/storage.md
 * describes each table.
 */
const STATEMENTS = [
  // The feed: append-only; seq is the cursor. A notification id, and a dedupe key
  // for events without one (recon misses), are each recorded once.
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
  // Per-user aggregate: the one place a user's state is merged, so two
  // notifications arriving at once cannot overwrite each other. KV holds its copy.
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
  // Recon files: one row per file.created notification, its download attempts and progress.
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
];

/**
 * Columns added after the first release, in order. `CREATE TABLE IF NOT EXISTS`
 * does not touch a table a deployed object already has, so each is added once,
 * checked against the table's real columns.
 */
const ADDED_COLUMNS = [
  // PayPay's X-REQUEST-ID of the re-read that set the standing, and of the last failed one.
  ['users', 'standing_request_id', 'TEXT'],
  ['users', 'reread_request_id', 'TEXT'],
] as const;

/** Creates the tables and indexes, then adds the columns an older object lacks. */
export function migrate(sql: SqlStorage): void {
  for (const statement of STATEMENTS) sql.exec(statement);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const has = sql
      .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
      .toArray()
      .some((row) => row.name === column);
    if (!has) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** Column prefix of each notification kind in `users`. */
export const KIND_COLUMN = {
  kyc: 'kyc',
  risk: 'risk',
  'account-status': 'status',
} as const satisfies Record<NotificationKind, string>;
