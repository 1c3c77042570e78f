import type { Result } from '../../shared/result';
import type { Authorization } from '../paypay/authorization';
import type { Appender } from './appender';

/**
 * PayPay's authorization of each user, in `users` (migration v4,
 * worker/feed/migrations.ts; `reference_id_mode`, who gave `reference_id`: v5).
 * `auth_notice` is the next expiry event still owed: the cron finds due ones
 * through two partial indexes, so there is no timer per user and a user owed
 * nothing costs no scan.
 */

/** What a read of the authorization found: PayPay's answer, or PayPay's code about the user. */
export type AuthorizationRead = Result<
  Authorization,
  { code: 'EXPIRED_USER_AUTHORIZATION_ID' | 'INVALID_USER_AUTHORIZATION_ID' }
>;

/**
 * Stores a read. A new expiry owes both events again (PayPay renewed it); the
 * same one keeps what was already sent. PayPay saying the authorization
 * expired sends `authorization.expired` now, whatever our copy of expireAt
 * says, unless it was sent already.
 * Several statements: call inside `transactionSync`. False when the user is
 * unknown or being forgotten.
 */
export function storeAuthorization(
  sql: SqlStorage,
  uaid: string,
  read: AuthorizationRead,
  now: number,
  append: Appender,
): boolean {
  const row = sql
    .exec<{
      auth_expires_at: number | null;
      auth_notice: string | null;
      auth_status: string | null;
    }>(
      `SELECT auth_expires_at, auth_notice, auth_status FROM users
       WHERE uaid = ? AND forget_requested_at IS NULL`,
      uaid,
    )
    .toArray()[0];
  if (!row) return false;
  if (!read.ok) {
    const status = read.error.code === 'EXPIRED_USER_AUTHORIZATION_ID' ? 'EXPIRED' : 'INVALID';
    sql.exec(
      `UPDATE users SET auth_status = ?, auth_checked_at = ?, auth_notice = NULL,
         version = version + 1, updated_at = ? WHERE uaid = ?`,
      status,
      now,
      now,
      uaid,
    );
    // Owed: the cron has not sent it for the known expiry, or no expiry was ever known.
    const owed =
      row.auth_notice !== null || (row.auth_expires_at === null && row.auth_status !== 'EXPIRED');
    if (status === 'EXPIRED' && owed) {
      appendNotice(append, 'authorization.expired', uaid, row.auth_expires_at, now);
    }
    return true;
  }
  const a = read.value;
  const renewed = a.expiresAt !== row.auth_expires_at;
  sql.exec(
    `UPDATE users SET auth_status = ?, auth_scopes = ?, auth_expires_at = ?, auth_issued_at = ?,
       auth_checked_at = ?, auth_notice = ?, version = version + 1, updated_at = ?
     WHERE uaid = ?`,
    a.status,
    a.scopes === null ? null : JSON.stringify(a.scopes),
    a.expiresAt,
    a.issuedAt,
    now,
    a.expiresAt === null ? null : renewed ? 'expiring' : row.auth_notice,
    now,
    uaid,
  );
  return true;
}

/**
 * Appends the expiry events now due: `authorization.expired` for authorizations
 * past expireAt, then `authorization.expiring` for those within `windowMs` of
 * it. Each is owed once per expireAt (`auth_notice`), so cron runs that overlap
 * or repeat send nothing twice; an authorization first seen expired gets only
 * `expired`. Returns how many were appended. Call inside `transactionSync`.
 */
export function appendDueNotices(
  sql: SqlStorage,
  now: number,
  windowMs: number,
  limit: number,
  append: Appender,
): number {
  const expired = sql
    .exec<{ uaid: string; auth_expires_at: number }>(
      `SELECT uaid, auth_expires_at FROM users WHERE auth_notice IS NOT NULL AND auth_expires_at <= ?
       ORDER BY auth_expires_at LIMIT ?`,
      now,
      limit,
    )
    .toArray();
  for (const row of expired) {
    appendNotice(append, 'authorization.expired', row.uaid, row.auth_expires_at, now);
    sql.exec('UPDATE users SET auth_notice = NULL, version = version + 1 WHERE uaid = ?', row.uaid);
  }
  const expiring = sql
    .exec<{ uaid: string; auth_expires_at: number }>(
      `SELECT uaid, auth_expires_at FROM users WHERE auth_notice = 'expiring' AND auth_expires_at <= ?
       ORDER BY auth_expires_at LIMIT ?`,
      now + windowMs,
      limit - expired.length,
    )
    .toArray();
  for (const row of expiring) {
    appendNotice(append, 'authorization.expiring', row.uaid, row.auth_expires_at, now);
    sql.exec(
      "UPDATE users SET auth_notice = 'expired', version = version + 1 WHERE uaid = ?",
      row.uaid,
    );
  }
  return expired.length + expiring.length;
}

function appendNotice(
  append: Appender,
  type: 'authorization.expiring' | 'authorization.expired',
  uaid: string,
  expiresAt: number | null,
  now: number,
): void {
  append.event({
    type,
    uaid,
    occurredAt: now,
    source: 'paypay',
    data: expiresAt === null ? {} : { expiresAt: new Date(expiresAt).toISOString() },
  });
}

/** The user verified most recently, and when; null before any (or once all are forgotten). */
export function latestVerified(
  sql: SqlStorage,
): { userAuthorizationId: string; verifiedAt: number } | null {
  const row = sql
    .exec<{ uaid: string; verified_at: number }>(
      `SELECT uaid, verified_at FROM users
       WHERE verified_at IS NOT NULL AND forget_requested_at IS NULL
       ORDER BY verified_at DESC LIMIT 1`,
    )
    .toArray()[0];
  return row ? { userAuthorizationId: row.uaid, verifiedAt: row.verified_at } : null;
}
