import { PAYPAY_OPERATIONS, type PayPayOperation } from '../shared/paypay-codes';
import type { Fault } from './faults';
import type {
  CallCounts,
  DeliveryAttempt,
  Merchant,
  QrSession,
  ReconFile,
  SandboxUser,
} from './types';

/**
 * One merchant's state, all in its own Durable Object (SQLite storage).
 *
 * Key-value (ctx.storage.kv), one JSON value per key:
 *   v1:merchant          Merchant registration (absent for the default merchant)
 *   v1:session:<codeId>  QrSession; pruned an hour after it expired or was answered
 *   v1:user:<uaid>       SandboxUser; kept
 *   v1:file:<fileId>     ReconFile; pruned after PayPay's 2 h acquisition window
 *   v1:faults            Fault[] in the order added
 *   v1:calls             CallCounts
 * SQL tables, for what needs pruning or capping in one statement:
 *   nonces(nonce, expires_at)  request nonces seen in the last 5 minutes
 *   deliveries(seq, entry)     the last 500 webhook delivery attempts
 */
const KEYS = {
  merchant: 'v1:merchant',
  session: (codeId: string) => `v1:session:${codeId}`,
  user: (uaid: string) => `v1:user:${uaid}`,
  file: (fileId: string) => `v1:file:${fileId}`,
  faults: 'v1:faults',
  calls: 'v1:calls',
};

/**
 * Longer than the 120 s skew on either side: a replay after this fails the epoch
 * check anyway, so older nonces need not be kept.
 */
const NONCE_TTL_SECONDS = 300;
const DELIVERY_LOG_SIZE = 500;
/** Answered or expired sessions stay readable this long (GET /_sandbox/sessions). */
const SESSION_KEEP_SECONDS = 3600;
const PRUNE_EVERY_MS = 3_600_000;

/** Typed access to one merchant's storage. Synchronous reads: no interleaving between them. */
export class MerchantStore {
  private readonly kv: SyncKvStorage;
  private tablesReady = false;

  constructor(private readonly storage: DurableObjectStorage) {
    this.kv = storage.kv;
  }

  /**
   * The SQL tables, created on first use rather than in the constructor: a
   * request with an unknown API key then leaves no storage behind.
   */
  private get sql(): SqlStorage {
    const sql = this.storage.sql;
    if (!this.tablesReady) {
      sql.exec(
        'CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)',
      );
      sql.exec(
        'CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)',
      );
      this.tablesReady = true;
    }
    return sql;
  }

  /** The registration, if this merchant was registered through the admin API. */
  merchant(): Merchant | undefined {
    return this.kv.get<Merchant>(KEYS.merchant);
  }

  /** Registers or replaces the merchant. */
  putMerchant(merchant: Merchant): void {
    this.kv.put(KEYS.merchant, merchant);
  }

  /** A QR session by code id. */
  session(codeId: string): QrSession | undefined {
    return this.kv.get<QrSession>(KEYS.session(codeId));
  }

  /** Every stored QR session, newest first. */
  sessions(): QrSession[] {
    const sessions = [...this.kv.list<QrSession>({ prefix: 'v1:session:' })].map(([, s]) => s);
    return sessions.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Stores a QR session. */
  putSession(session: QrSession): void {
    this.kv.put(KEYS.session(session.codeId), session);
  }

  /** A user by userAuthorizationId. */
  user(uaid: string): SandboxUser | undefined {
    return this.kv.get<SandboxUser>(KEYS.user(uaid));
  }

  /** Stores a user. */
  putUser(user: SandboxUser): void {
    this.kv.put(KEYS.user(user.userAuthorizationId), user);
  }

  /** A recon file by id. */
  file(fileId: string): ReconFile | undefined {
    return this.kv.get<ReconFile>(KEYS.file(fileId));
  }

  /** Stores a recon file. */
  putFile(file: ReconFile): void {
    this.kv.put(KEYS.file(file.fileId), file);
  }

  /** Deletes a recon file. */
  deleteFile(fileId: string): void {
    this.kv.delete(KEYS.file(fileId));
  }

  /** The active faults, in the order added. */
  faults(): Fault[] {
    return this.kv.get<Fault[]>(KEYS.faults) ?? [];
  }

  /** Replaces the fault list (an empty list clears it). */
  putFaults(faults: Fault[]): void {
    if (faults.length === 0) this.kv.delete(KEYS.faults);
    else this.kv.put(KEYS.faults, faults);
  }

  /** Requests received per operation, and 401s. */
  calls(): CallCounts {
    const zero = Object.fromEntries(PAYPAY_OPERATIONS.map((op) => [op, 0]));
    return {
      ...zero,
      unauthorized: 0,
      ...this.kv.get<Partial<CallCounts>>(KEYS.calls),
    } as CallCounts;
  }

  /** Adds one to a counter. */
  count(counter: PayPayOperation | 'unauthorized'): void {
    const calls = this.calls();
    calls[counter] += 1;
    this.kv.put(KEYS.calls, calls);
  }

  /**
   * Records a request nonce; false when this merchant already saw it within the
   * window, which makes the request a replay.
   */
  rememberNonce(nonce: string, now: number): boolean {
    this.sql.exec('DELETE FROM nonces WHERE expires_at <= ?', now);
    const seen = this.sql.exec('SELECT 1 FROM nonces WHERE nonce = ?', nonce).toArray().length > 0;
    if (seen) return false;
    this.sql.exec(
      'INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)',
      nonce,
      now + NONCE_TTL_SECONDS,
    );
    return true;
  }

  /** Appends to the delivery log, keeping the most recent entries only. */
  logDelivery(attempt: DeliveryAttempt): void {
    this.sql.exec('INSERT INTO deliveries (entry) VALUES (?)', JSON.stringify(attempt));
    this.sql.exec(
      'DELETE FROM deliveries WHERE seq <= (SELECT MAX(seq) FROM deliveries) - ?',
      DELIVERY_LOG_SIZE,
    );
  }

  /** The delivery log, oldest first. */
  deliveries(): DeliveryAttempt[] {
    return this.sql
      .exec<{ entry: string }>('SELECT entry FROM deliveries ORDER BY seq')
      .toArray()
      .map((row) => JSON.parse(row.entry) as DeliveryAttempt);
  }

  /** Clears faults, counters and the delivery log; registration, sessions and users stay. */
  resetActivity(): void {
    this.kv.delete(KEYS.faults);
    this.kv.delete(KEYS.calls);
    this.sql.exec('DELETE FROM deliveries');
  }

  /** Deletes sessions and files nobody can use any more; true when some remain. */
  prune(now: number): boolean {
    let remaining = 0;
    for (const [key, session] of [...this.kv.list<QrSession>({ prefix: 'v1:session:' })]) {
      if ((session.decidedAt ?? session.expiresAt) + SESSION_KEEP_SECONDS < now) {
        this.kv.delete(key);
      } else remaining++;
    }
    for (const [key, file] of [...this.kv.list<ReconFile>({ prefix: 'v1:file:' })]) {
      if (file.expiresAt < now) this.kv.delete(key);
      else remaining++;
    }
    this.sql.exec('DELETE FROM nonces WHERE expires_at <= ?', now);
    return remaining > 0;
  }

  /** Arms the hourly prune alarm if it is not armed; call after storing a session or file. */
  async schedulePrune(): Promise<void> {
    if ((await this.storage.getAlarm()) === null) {
      await this.storage.setAlarm(Date.now() + PRUNE_EVERY_MS);
    }
  }
}
