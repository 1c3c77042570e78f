import { createHash } from 'node:crypto';
import type { Appender } from './appender';

/**
 * Forgetting a user (the columns and tables: migration v4,
 * worker/feed/migrations.ts). While a forget is under way the user's row
 * holds only the id and the request; the id is needed to unlink at PayPay,
 * which may be down for hours. Once unlinked the row goes, and `forgotten`
 * keeps a hash of the id so a late webhook or recon line can be recognised and
 * dropped without keeping the id itself. `user_sessions` names the
 * verification objects that may still hold the user's KYC for its exchange.
 */

/** Unlink attempts back off from a minute, doubling, to an hour. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;
/** An attempt handed out and not settled within this is handed out again. */
const FORGET_LEASE_MS = 60_000;

/**
 * A one-way name for a forgotten id. PayPay's ids are long random strings, so
 * the hash cannot be turned back into one by guessing; the prefix keeps it from
 * matching a hash of the id made for anything else.
 */
export function forgottenHash(uaid: string): string {
  return createHash('sha256').update(`forgotten-user:${uaid}`).digest('base64url');
}

/**
 * Those of `ids` that are forgotten or being forgotten: a batch (webhooks, a
 * recon batch) drops their news. One statement for the whole batch, asked for
 * every one; the ids are hashed, and looked up with one more, only when
 * `forgotten` holds any hash at all (most of the time it holds none).
 */
export function forgettingAmong(sql: SqlStorage, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const { being, held } = sql
    .exec<{ being: string; held: number }>(
      `SELECT (SELECT json_group_array(uaid) FROM users
                WHERE uaid IN (SELECT value FROM json_each(?)) AND forget_requested_at IS NOT NULL
              ) AS being,
              EXISTS (SELECT 1 FROM forgotten) AS held`,
      JSON.stringify(ids),
    )
    .one();
  const found = new Set(JSON.parse(being) as string[]);
  if (!held) return found;
  const byHash = new Map(ids.map((uaid) => [forgottenHash(uaid), uaid]));
  for (const row of sql.exec<{ id_hash: string }>(
    'SELECT id_hash FROM forgotten WHERE id_hash IN (SELECT value FROM json_each(?))',
    JSON.stringify([...byHash.keys()]),
  )) {
    const uaid = byHash.get(row.id_hash);
    if (uaid !== undefined) found.add(uaid);
  }
  return found;
}

/** Whether a forget of the id is under way (requested, not finished). */
export function isBeingForgotten(sql: SqlStorage, uaid: string): boolean {
  return (
    sql
      .exec('SELECT 1 FROM users WHERE uaid = ? AND forget_requested_at IS NOT NULL', uaid)
      .toArray().length > 0
  );
}

/** The id is linked again by a new verification: its news is kept from now on. */
export function unforget(sql: SqlStorage, uaid: string): void {
  sql.exec('DELETE FROM forgotten WHERE id_hash = ?', forgottenHash(uaid));
}

/** Where a forget request stands. */
export type ForgetStart =
  { state: 'started'; attempt: ForgetAttempt } | { state: 'forgetting' } | { state: 'forgotten' };

/** One unlink attempt handed out: whom, and the verification objects to clear. */
export interface ForgetAttempt {
  userAuthorizationId: string;
  sessions: string[];
}

/**
 * Starts forgetting: the row keeps the id and the request and nothing else,
 * the user's past events keep their type and time but lose the id, and the
 * first attempt is leased to the caller. A repeated request changes nothing.
 * Call inside `transactionSync`.
 */
export function startForget(
  sql: SqlStorage,
  uaid: string,
  requestId: string,
  now: number,
): ForgetStart {
  if (sql.exec('SELECT 1 FROM forgotten WHERE id_hash = ?', forgottenHash(uaid)).toArray().length)
    return { state: 'forgotten' };
  const row = sql
    .exec<{ forget_requested_at: number | null }>(
      'SELECT forget_requested_at FROM users WHERE uaid = ?',
      uaid,
    )
    .toArray()[0];
  if (row?.forget_requested_at != null) return { state: 'forgetting' };
  // Replaced whole: every column not named here is back to its default (empty).
  sql.exec(
    `INSERT OR REPLACE INTO users (uaid, updated_at, version, kv_version, kv_written_at,
       forget_requested_at, forget_request_id, forget_due_at, forget_lease_until)
     SELECT ?, ?, COALESCE(MAX(version), 0) + 1, COALESCE(MAX(kv_version), 0),
       COALESCE(MAX(kv_written_at), 0), ?, ?, ?, ?
     FROM users WHERE uaid = ?`,
    uaid,
    now,
    now,
    requestId,
    now + FORGET_LEASE_MS,
    now + FORGET_LEASE_MS,
    uaid,
  );
  forgetEvents(sql, uaid);
  return {
    state: 'started',
    attempt: { userAuthorizationId: uaid, sessions: sessionsOf(sql, uaid) },
  };
}

/** The user's events lose the id (and the dedupe keys that spell it); type and time stay. */
function forgetEvents(sql: SqlStorage, uaid: string): void {
  sql.exec(
    `UPDATE events SET uaid = NULL,
       dedupe_key = CASE WHEN dedupe_key IS NULL THEN NULL ELSE 'forgotten:' || seq END
     WHERE uaid = ?`,
    uaid,
  );
}

function sessionsOf(sql: SqlStorage, uaid: string): string[] {
  return sql
    .exec<{ object_id: string }>('SELECT object_id FROM user_sessions WHERE uaid = ?', uaid)
    .toArray()
    .map((r) => r.object_id);
}

/** Forgets whose next attempt is due and not taken, leased to the caller. */
export function claimForgets(sql: SqlStorage, now: number, limit: number): ForgetAttempt[] {
  return sql
    .exec<{ uaid: string }>(
      `UPDATE users SET forget_lease_until = ?, forget_due_at = ?
       WHERE uaid IN (SELECT uaid FROM users WHERE forget_due_at <= ?
                        AND (forget_lease_until IS NULL OR forget_lease_until < ?)
                      ORDER BY forget_due_at LIMIT ?)
       RETURNING uaid`,
      now + FORGET_LEASE_MS,
      now + FORGET_LEASE_MS,
      now,
      now,
      limit,
    )
    .toArray()
    .map((r) => ({ userAuthorizationId: r.uaid, sessions: sessionsOf(sql, r.uaid) }));
}

/** An attempt failed (PayPay down or refusing): retried later, the reason shown in the state. */
export function forgetFailed(
  sql: SqlStorage,
  uaid: string,
  error: string,
  paypayRequestId: string | null,
  now: number,
): void {
  sql.exec(
    `UPDATE users SET forget_failures = forget_failures + 1, forget_error = ?,
       forget_paypay_request_id = ?, forget_lease_until = NULL,
       forget_due_at = ? + MIN(?, ? * (1 << MIN(forget_failures, 12))),
       version = version + 1, updated_at = ?
     WHERE uaid = ? AND forget_requested_at IS NOT NULL`,
    error,
    paypayRequestId,
    now,
    RETRY_MAX_MS,
    RETRY_BASE_MS,
    now,
    uaid,
  );
}

/**
 * The forget is about to finish: the row stops being copied to KV (its copy is
 * deleted next) and the attempt's lease is renewed. False when the user is not
 * being forgotten.
 */
export function stopCopying(sql: SqlStorage, uaid: string, now: number): boolean {
  return (
    sql
      .exec(
        `UPDATE users SET kv_version = version, forget_due_at = ?, forget_lease_until = ?
         WHERE uaid = ? AND forget_requested_at IS NOT NULL RETURNING uaid`,
        now + FORGET_LEASE_MS,
        now + FORGET_LEASE_MS,
        uaid,
      )
      .toArray().length > 0
  );
}

/**
 * Unlinked at PayPay and the KYC waiting for exchange cleared: the row goes,
 * the hash stays, and one `user.forgotten` is appended without the id. Call
 * inside `transactionSync`, after the KV copy is deleted. False when the user
 * was not being forgotten (finished by another attempt).
 */
export function finishForget(
  sql: SqlStorage,
  uaid: string,
  now: number,
  append: Appender,
): boolean {
  const row = sql
    .exec<{ forget_request_id: string }>(
      'SELECT forget_request_id FROM users WHERE uaid = ? AND forget_requested_at IS NOT NULL',
      uaid,
    )
    .toArray()[0];
  if (!row) return false;
  sql.exec('DELETE FROM users WHERE uaid = ?', uaid);
  sql.exec('DELETE FROM user_sessions WHERE uaid = ?', uaid);
  // Events recorded between the request and now (none should be) lose the id too.
  forgetEvents(sql, uaid);
  sql.exec(
    'INSERT OR IGNORE INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
    forgottenHash(uaid),
    now,
  );
  append.event({
    type: 'user.forgotten',
    occurredAt: now,
    source: 'merchant',
    data: { requestId: row.forget_request_id },
  });
  return true;
}

/** Remembers that a verification object holds the user's KYC until `until`. */
export function rememberSession(
  sql: SqlStorage,
  uaid: string,
  objectId: string,
  until: number,
): void {
  sql.exec(
    `INSERT INTO user_sessions (uaid, object_id, until) VALUES (?, ?, ?)
     ON CONFLICT DO UPDATE SET until = MAX(until, excluded.until)`,
    uaid,
    objectId,
    until,
  );
}

/** Deletes session references past their KYC's retention, and hashes older than `before`. */
export function pruneForgetting(sql: SqlStorage, now: number, before: number): void {
  sql.exec('DELETE FROM user_sessions WHERE until < ?', now);
  sql.exec('DELETE FROM forgotten WHERE forgotten_at < ?', before);
}
