import {
  AUTHORIZATION_V4,
  AUTHORIZATION_V4_COLUMNS,
  REFERENCE_MODE_V5,
  REFERENCE_MODE_V5_COLUMNS,
} from './authorization-table';
import { CONFIRMATION_V3 } from './confirmation';
import { FORGET_V4, FORGET_V4_COLUMNS } from './forget-table';
import { EVENTS_V1 } from './events-table';
import { OUTBOX_V1 } from './outbox-table';
import { RECON_FILES_V1 } from '../recon/table';
import { USERS_V1, USERS_V2_COLUMNS } from './users-table';

/**
 * One schema change of the feed object's SQLite database. Released migrations
 * are never edited: a change to the schema is a new entry with the next number.
 */
export interface Migration {
  version: number;
  description: string;
  /** Statements run in order. */
  statements?: readonly string[];
  /**
   * Columns to add, each only where the table lacks it: SQLite has no
   * `ADD COLUMN IF NOT EXISTS`, and objects deployed before migrations were
   * numbered may have the column already (v2).
   */
  columns?: readonly (readonly [table: string, column: string, type: string])[];
}

/**
 * The feed's schema history, oldest first. v1 uses `IF NOT EXISTS` because
 * objects deployed before migrations were recorded already hold its tables.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, users, recon_files, outbox and their indexes',
    statements: [...EVENTS_V1, ...USERS_V1, ...RECON_FILES_V1, ...OUTBOX_V1],
  },
  {
    version: 2,
    description: "users: PayPay's request ids of the last re-read (standing and failure)",
    columns: USERS_V2_COLUMNS,
  },
  {
    version: 3,
    description:
      'users.confirmed_at (PayPay spoke about the user), due re-reads split by it, reread_budget',
    statements: CONFIRMATION_V3,
  },
  {
    version: 4,
    description:
      "users: PayPay's authorization, its expiry notices, the forget request; user_sessions, forgotten",
    columns: [...AUTHORIZATION_V4_COLUMNS, ...FORGET_V4_COLUMNS],
    statements: [...AUTHORIZATION_V4, ...FORGET_V4],
  },
  {
    version: 5,
    description: 'users.reference_id_mode: whether the browser or the merchant gave reference_id',
    columns: REFERENCE_MODE_V5_COLUMNS,
    statements: REFERENCE_MODE_V5,
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
      // Columns first: a statement may index one of them.
      for (const [table, column, type] of migration.columns ?? []) {
        if (!columnsOf(sql, table).has(column)) {
          sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
        }
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
