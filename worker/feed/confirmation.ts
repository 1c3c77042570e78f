/**
 * Which users are confirmed, and the budget of re-reads for those who are not.
 * Webhooks are unsigned: a forged notification names any user id, and each new
 * id would cost a read of PayPay (the merchant's quota). A user is confirmed
 * once PayPay has spoken about them: a re-read answered with anything but
 * INVALID_USER_AUTHORIZATION_ID (PayPay knows the id for this merchant), or
 * the id was listed in a recon file downloaded from RECON_ALLOWED_HOSTS. The
 * feed object never sees a verification complete (sessions have their own
 * objects), so PayPay's answer is the one test. The column and the one-row
 * `reread_budget` table: migration v3 (worker/feed/migrations.ts).
 */
import { FEED_TIMING as T } from './timing';
import { claimReread } from './users-table';

/** The budget is counted per clock minute. */
const WINDOW_MS = 60_000;
const windowOf = (at: number) => Math.floor(at / WINDOW_MS) * WINDOW_MS;

/** Whether PayPay has spoken about the user (false for a user we do not hold). */
export function isConfirmed(sql: SqlStorage, uaid: string): boolean {
  return (
    sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM users WHERE uaid = ? AND confirmed_at IS NOT NULL',
        uaid,
      )
      .one().n > 0
  );
}

/** Marks the user confirmed (PayPay answered for them, or listed them). */
export function confirm(sql: SqlStorage, uaid: string, now: number): void {
  sql.exec('UPDATE users SET confirmed_at = COALESCE(confirmed_at, ?) WHERE uaid = ?', now, uaid);
}

/** Re-reads of unconfirmed users still allowed in the minute of `now`. */
export function budgetLeft(sql: SqlStorage, now: number, perMinute: number): number {
  const row = sql
    .exec<{ window_start: number; used: number }>(
      'SELECT window_start, used FROM reread_budget WHERE id = 1',
    )
    .toArray()[0];
  const used = row && row.window_start === windowOf(now) ? row.used : 0;
  return Math.max(0, perMinute - used);
}

/** Adds `delta` to the minute's count (a new minute starts from zero). */
function spend(sql: SqlStorage, now: number, delta: number): void {
  sql.exec(
    `INSERT INTO reread_budget (id, window_start, used) VALUES (1, ?, MAX(0, ?))
     ON CONFLICT (id) DO UPDATE SET
       used = MAX(0, CASE WHEN window_start = excluded.window_start THEN used + ? ELSE ? END),
       window_start = excluded.window_start`,
    windowOf(now),
    delta,
    delta,
    delta,
  );
}

/**
 * Takes the user's re-read if it is due and nobody holds it, and, for an
 * unconfirmed user, only within the minute's budget (which it spends). A user
 * left out stays due: the cron trigger takes it when the budget allows.
 * `confirmed`, when the caller has just read it, saves looking it up.
 */
export function claimWithinBudget(
  sql: SqlStorage,
  uaid: string,
  now: number,
  perMinute: number,
  confirmed: boolean = isConfirmed(sql, uaid),
): boolean {
  if (confirmed) return claimReread(sql, uaid, now);
  if (budgetLeft(sql, now, perMinute) === 0 || !claimReread(sql, uaid, now)) return false;
  spend(sql, now, 1);
  return true;
}

/** A re-read a batch may hand out: the user, when, and whether PayPay has confirmed the user. */
export interface RereadCandidate {
  uaid: string;
  at: number;
  confirmed: boolean;
}

/**
 * `claimWithinBudget` for a batch's candidates (one per user), in order:
 * confirmed users' re-reads are taken; unconfirmed users' within what is left
 * of the budget, counted in the minute of the first of them and spent once for
 * all. Three statements at most. The users whose re-read was taken.
 */
export function claimBatch(
  sql: SqlStorage,
  candidates: readonly RereadCandidate[],
  perMinute: number,
): Set<string> {
  const unconfirmed = candidates.filter((c) => !c.confirmed);
  const window = unconfirmed[0]?.at ?? 0;
  let left = unconfirmed.length > 0 ? budgetLeft(sql, window, perMinute) : 0;
  const chosen = candidates.filter((c) => c.confirmed || left-- > 0);
  if (chosen.length === 0) return new Set();
  const claimed = new Set(
    sql
      .exec<{ uaid: string }>(
        `UPDATE users SET reread_lease_until = c.at + ?, reread_started_at = c.at
         FROM (SELECT value ->> 'uaid' AS uaid, value ->> 'at' AS at FROM json_each(?)) AS c
         WHERE users.uaid = c.uaid AND users.reread_due_at <= c.at
           AND (users.reread_lease_until IS NULL OR users.reread_lease_until < c.at)
         RETURNING uaid`,
        T.rereadLeaseMs,
        JSON.stringify(chosen.map(({ uaid, at }) => ({ uaid, at }))),
      )
      .toArray()
      .map((row) => row.uaid),
  );
  const spent = unconfirmed.filter((c) => claimed.has(c.uaid)).length;
  if (spent > 0) spend(sql, window, spent);
  return claimed;
}

/**
 * A re-read that confirmed its user gives its budget back (in the same
 * minute): the budget bounds reads that turn out to be about ids PayPay does not
 * know, not the first reads of genuine users.
 */
export function refund(sql: SqlStorage, startedAt: number, now: number): void {
  if (windowOf(startedAt) === windowOf(now)) spend(sql, now, -1);
}

/**
 * Users whose re-read is due and not taken: confirmed ones first (oldest due
 * first), then unconfirmed ones within what is left of the budget. Not claimed.
 */
export function dueRereadsFair(
  sql: SqlStorage,
  now: number,
  limit: number,
  perMinute: number,
): string[] {
  const due = (confirmed: boolean, n: number) =>
    n <= 0
      ? []
      : sql
          .exec<{ uaid: string }>(
            `SELECT uaid FROM users WHERE reread_due_at <= ?
               AND confirmed_at IS ${confirmed ? 'NOT NULL' : 'NULL'}
               AND (reread_lease_until IS NULL OR reread_lease_until < ?)
             ORDER BY reread_due_at LIMIT ?`,
            now,
            now,
            n,
          )
          .toArray()
          .map((row) => row.uaid);
  const first = due(true, limit);
  return [...first, ...due(false, Math.min(limit - first.length, budgetLeft(sql, now, perMinute)))];
}

/**
 * Unconfirmed users last hinted before `before`, whose KV copy is current (so
 * no copy of them is in flight) and whose re-read is not held: what the prune
 * may delete, KV copy first.
 */
export function expiredUnconfirmed(
  sql: SqlStorage,
  before: number,
  now: number,
  limit: number,
): string[] {
  return sql
    .exec<{ uaid: string }>(
      `SELECT uaid FROM users WHERE confirmed_at IS NULL AND hinted_at < ?
         AND version <= kv_version AND (reread_lease_until IS NULL OR reread_lease_until < ?)
       LIMIT ?`,
      before,
      now,
      limit,
    )
    .toArray()
    .map((row) => row.uaid);
}

/** Deletes those of `uaids` that still qualify (a hint or an answer since keeps the row). */
export function deleteExpired(sql: SqlStorage, uaids: string[], before: number, now: number): void {
  for (const uaid of uaids) {
    sql.exec(
      `DELETE FROM users WHERE uaid = ? AND confirmed_at IS NULL AND hinted_at < ?
         AND version <= kv_version AND (reread_lease_until IS NULL OR reread_lease_until < ?)`,
      uaid,
      before,
      now,
    );
  }
}
