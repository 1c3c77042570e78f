import { DurableObject } from 'cloudflare:workers';
import type { ClaimName } from '../../shared/claims';
import { ok, type Result } from '../../shared/result';
import { LazySchema } from '../feed/lazy-schema';
import type { Migration } from '../feed/migrations';
import type { SessionMode } from '../session/record';
import type { PrivateJwk } from '../settings/receipts';
import type { ReceiptEntry } from './contract';

/**
 * The receipt log's schema, as numbered migrations of literal SQL (the
 * feed's `migrate`, the same ledger). `drop_at` is `keep_until` in ms, the
 * order the retention alarm deletes in; the ISO text is kept as written.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'receipts and their retention index',
    statements: [
      `CREATE TABLE receipts (
    id TEXT PRIMARY KEY,
    issued_at TEXT NOT NULL,
    session TEXT NOT NULL,
    mode TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    claims TEXT NOT NULL,
    digest TEXT NOT NULL,
    kid TEXT,
    keep_until TEXT NOT NULL,
    drop_at INTEGER NOT NULL
  )`,
      'CREATE INDEX receipts_by_drop ON receipts (drop_at)',
    ],
  },
];

/**
 * A month's receipts expire over that month's days: one alarm an hour at
 * most deletes them in batches, rather than one alarm per receipt. An entry
 * may so outlive its keepUntil by up to an hour in storage; `read` stops
 * answering it at keepUntil.
 */
const RETENTION_STEP_MS = 3_600_000;

/** Where the object named `dev-key` keeps its key (storage's key-value side). */
const DEV_KEY = 'dev-key';

interface ReceiptRow extends Record<string, SqlStorageValue> {
  id: string;
  issued_at: string;
  session: string;
  mode: string;
  verified_at: string;
  claims: string;
  digest: string;
  kid: string | null;
  keep_until: string;
}

/**
 * The receipt log: one object per month (`receipts-<yyyymm>`, receipts/ids.ts),
 * holding the receipts issued that month, each until its keepUntil
 * (RECEIPT_RETENTION_DAYS). It holds no personal data and no user id
 * (contract.ts), which is why forgetting a user leaves it as it is
 * (docs/storage.md). The object named `dev-key` holds instead the development
 * signing key (`devKey`).
 *
 * The schema is made on the first `record`, not on construction: a read of a
 * month that never had a receipt (any well-formed id names one) must not
 * leave storage behind.
 */
export class ReceiptLog extends DurableObject<Env> {
  private readonly tables = new LazySchema(this.ctx.storage, MIGRATIONS, 'receipts');

  /** Records a receipt; an id already recorded keeps its first entry. Durable when this returns. */
  async record(entry: ReceiptEntry): Promise<Result<true, never>> {
    const dropAt = Date.parse(entry.keepUntil);
    if (!Number.isFinite(dropAt)) throw new TypeError('keepUntil is not a time');
    const sql = this.tables.sql();
    const next = this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO receipts (id, issued_at, session, mode, verified_at, claims, digest, kid, keep_until, drop_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        entry.id,
        entry.issuedAt,
        entry.session,
        entry.mode,
        entry.verifiedAt,
        JSON.stringify(entry.claims),
        entry.digest,
        entry.kid,
        entry.keepUntil,
        dropAt,
      );
      return earliest(sql);
    });
    if (next !== null && (await this.ctx.storage.getAlarm()) !== next)
      await this.ctx.storage.setAlarm(next);
    return ok(true);
  }

  /** The entry of a receipt id, or null: never recorded, or past its keepUntil. */
  async read(id: string): Promise<ReceiptEntry | null> {
    if (!this.tables.exists()) return null;
    const [row] = this.ctx.storage.sql
      .exec<ReceiptRow>('SELECT * FROM receipts WHERE id = ? AND drop_at > ?', id, Date.now())
      .toArray();
    return row === undefined ? null : entryOf(row);
  }

  /**
   * Retention: deletes the entries past their keepUntil, then waits for the
   * next one. An emptied month leaves nothing behind: `deleteAll`.
   */
  override async alarm(): Promise<void> {
    if (!this.tables.exists()) return;
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    const next = this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM receipts WHERE drop_at <= ?', now);
      return earliest(sql);
    });
    if (next !== null) {
      await this.ctx.storage.setAlarm(Math.max(next, now + RETENTION_STEP_MS));
      return;
    }
    // Never the dev key's object (it records nothing, so has no alarm; this keeps it so).
    if ((await this.ctx.storage.get(DEV_KEY)) !== undefined) return;
    await this.ctx.storage.deleteAll();
    this.tables.forget();
  }

  /**
   * The development signing key (on the object named `dev-key` only): an
   * Ed25519 key made on first call and kept, so every call, isolate and
   * restart of a deployment signs and publishes the same one. Made inside
   * `blockConcurrencyWhile`, since generating it awaits: two first calls at
   * once still make one key.
   */
  async devKey(): Promise<PrivateJwk> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const kept = await this.ctx.storage.get<PrivateJwk>(DEV_KEY);
      if (kept !== undefined) return kept;
      const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const { x, d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
      if (typeof x !== 'string' || typeof d !== 'string') throw new TypeError('no Ed25519 JWK');
      const key: PrivateJwk = {
        kty: 'OKP',
        crv: 'Ed25519',
        x,
        d,
        kid: `dev-${x.slice(0, 8)}`,
        alg: 'EdDSA',
        use: 'sig',
      };
      await this.ctx.storage.put(DEV_KEY, key);
      return key;
    });
  }
}

/** The first keepUntil (ms) still in the log, or null when it is empty. */
function earliest(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>('SELECT MIN(drop_at) AS at FROM receipts').one().at;
}

function entryOf(row: ReceiptRow): ReceiptEntry {
  return {
    id: row.id,
    issuedAt: row.issued_at,
    session: row.session,
    mode: row.mode as SessionMode,
    verifiedAt: row.verified_at,
    claims: JSON.parse(row.claims) as ClaimName[],
    digest: row.digest,
    kid: row.kid,
    keepUntil: row.keep_until,
  };
}
