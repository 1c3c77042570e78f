import type { NotificationKind, Standing } from '../../shared/feed';
import { FEED_TIMING as T } from './timing';

/**
 * The `users` table (worker/feed/migrations.ts): per-user aggregate, the one
 * place a user's state is merged, so two notifications arriving at once cannot
 * overwrite each other. KV holds its copy.
 */

/** One row of `users`, as the KV copy reads it. */
export type UserRow = {
  uaid: string;
  kyc_at: number | null;
  kyc_source: string | null;
  kyc_count: number;
  risk_at: number | null;
  risk_source: string | null;
  risk_count: number;
  status_at: number | null;
  status_source: string | null;
  status_count: number;
  standing: string | null;
  standing_checked_at: number | null;
  standing_changed_at: number | null;
  reread_due_at: number | null;
  reread_error: string | null;
  standing_request_id: string | null;
  reread_request_id: string | null;
  verified_at: number | null;
  reference_id: string | null;
  reference_id_mode: string | null;
  auth_status: string | null;
  auth_scopes: string | null;
  auth_expires_at: number | null;
  auth_issued_at: number | null;
  auth_checked_at: number | null;
  forget_requested_at: number | null;
  forget_request_id: string | null;
  forget_error: string | null;
  forget_paypay_request_id: string | null;
  updated_at: number;
  version: number;
};

/** Column prefix of each notification kind in `users`. */
export const KIND_COLUMN = {
  kyc: 'kyc',
  risk: 'risk',
  'account-status': 'status',
} as const satisfies Record<NotificationKind, string>;

/** A re-read's result: PayPay's answer about the user, or why there was none. */
export type RereadResult = ({ standing: Standing } | { error: string }) & {
  /** PayPay's X-REQUEST-ID of the read, kept with its outcome for support. */
  paypayRequestId: string | null;
};

/** One re-read handed out: whom to read, and when the lease began. */
export interface RereadClaim {
  userAuthorizationId: string;
  startedAt: number;
}

/** What a merge leaves of the user's re-read, so the caller claims it only when it can. */
export type MergedUser = {
  confirmed_at: number | null;
  reread_due_at: number | null;
  reread_lease_until: number | null;
};

/** One change to merge into a user's state: a notification of `kind` at `at`, heard at `now`. */
export interface UserChange {
  uaid: string;
  kind: NotificationKind;
  at: number;
  source: 'webhook' | 'recon';
  now: number;
}

/**
 * Each change in order, as an upsert per change would: SQLite's UPSERT takes
 * the SELECT's rows one by one, so a user named twice in a batch is merged
 * twice. A change sets only its kind's columns (the other kinds' values are
 * NULL and 0, which the update leaves as they were). SET reads the row as it
 * was: each expression sees the old values, as one UPDATE does.
 */
const MERGE_SQL = `
  INSERT INTO users (uaid, kyc_at, kyc_source, kyc_count, risk_at, risk_source, risk_count,
    status_at, status_source, status_count, hinted_at, reread_due_at, version, updated_at)
  SELECT c.uaid,
    IIF(c.kind = 'kyc', c.at, NULL), IIF(c.kind = 'kyc', c.source, NULL), c.kind = 'kyc',
    IIF(c.kind = 'risk', c.at, NULL), IIF(c.kind = 'risk', c.source, NULL), c.kind = 'risk',
    IIF(c.kind = 'account-status', c.at, NULL), IIF(c.kind = 'account-status', c.source, NULL),
    c.kind = 'account-status',
    c.now, MAX(c.now, ?1), 2, c.now
  FROM (SELECT key, value ->> 'uaid' AS uaid, value ->> 'kind' AS kind, value ->> 'at' AS at,
          value ->> 'source' AS source, value ->> 'now' AS now FROM json_each(?2)) AS c
  WHERE true ORDER BY c.key
  ON CONFLICT (uaid) DO UPDATE SET
    kyc_source = IIF(excluded.kyc_at >= COALESCE(kyc_at, excluded.kyc_at), excluded.kyc_source, kyc_source),
    kyc_at = COALESCE(MAX(kyc_at, excluded.kyc_at), kyc_at, excluded.kyc_at),
    kyc_count = kyc_count + excluded.kyc_count,
    risk_source = IIF(excluded.risk_at >= COALESCE(risk_at, excluded.risk_at), excluded.risk_source, risk_source),
    risk_at = COALESCE(MAX(risk_at, excluded.risk_at), risk_at, excluded.risk_at),
    risk_count = risk_count + excluded.risk_count,
    status_source = IIF(excluded.status_at >= COALESCE(status_at, excluded.status_at), excluded.status_source, status_source),
    status_at = COALESCE(MAX(status_at, excluded.status_at), status_at, excluded.status_at),
    status_count = status_count + excluded.status_count,
    hinted_at = excluded.hinted_at,
    reread_due_at = COALESCE(reread_due_at, MAX(excluded.hinted_at, COALESCE(reread_started_at, 0) + ?1)),
    version = version + 2, updated_at = excluded.updated_at
  RETURNING uaid, confirmed_at, reread_due_at, reread_lease_until`;

/**
 * Merges changes into users' state, creating the row of a user not heard of
 * before: one statement whatever their number. Order does not matter: each
 * kind keeps its latest time (and the source of that latest), and counts add
 * up. Any change is a hint: a re-read of PayPay becomes due, now or when the
 * per-user throttle allows. What the merges left of each user's re-read.
 */
export function mergeBatch(
  sql: SqlStorage,
  changes: readonly UserChange[],
): Map<string, MergedUser> {
  if (changes.length === 0) return new Map();
  const rows = sql
    .exec<MergedUser & { uaid: string }>(MERGE_SQL, T.rereadMinIntervalMs, JSON.stringify(changes))
    .toArray();
  // A user merged twice is returned twice; the merges after the first leave its re-read as it was.
  return new Map(rows.map(({ uaid, ...user }) => [uaid, user]));
}

/** `mergeBatch` of one change (the bench seeds the feed with it). */
export function mergeChange(
  sql: SqlStorage,
  uaid: string,
  kind: NotificationKind,
  at: number,
  source: 'webhook' | 'recon',
  now: number,
): MergedUser {
  return mergeBatch(sql, [{ uaid, kind, at, source, now }]).get(uaid)!;
}

/** Whether a re-read left so by a merge is due at `now` and held by nobody. */
export function rereadClaimable(user: MergedUser, now: number): boolean {
  return (
    user.reread_due_at !== null &&
    user.reread_due_at <= now &&
    (user.reread_lease_until === null || user.reread_lease_until < now)
  );
}

/**
 * `mergeBatch` for many users of one kind, time and source (a recon batch):
 * two statements whatever their number. With `confirm`, the
 * users are also confirmed (`confirmed_at`), as `confirm` does one at a time.
 */
export function mergeChanges(
  sql: SqlStorage,
  uaids: readonly string[],
  kind: NotificationKind,
  at: number,
  source: 'webhook' | 'recon',
  now: number,
  options: { confirm: boolean },
): void {
  if (uaids.length === 0) return;
  const c = KIND_COLUMN[kind];
  const list = JSON.stringify(uaids);
  sql.exec(
    'INSERT INTO users (uaid, updated_at) SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING',
    now,
    list,
  );
  sql.exec(
    `UPDATE users SET
       ${c}_source = CASE WHEN ${c}_at IS NULL OR ? >= ${c}_at THEN ? ELSE ${c}_source END,
       ${c}_at = MAX(COALESCE(${c}_at, ?), ?),
       ${c}_count = ${c}_count + 1,
       hinted_at = ?,
       reread_due_at = COALESCE(reread_due_at, MAX(?, COALESCE(reread_started_at, 0) + ?)),
       confirmed_at = CASE WHEN ? THEN COALESCE(confirmed_at, ?) ELSE confirmed_at END,
       version = version + 2, updated_at = ?
     WHERE uaid IN (SELECT value FROM json_each(?))`,
    at,
    source,
    at,
    at,
    now,
    now,
    T.rereadMinIntervalMs,
    options.confirm ? 1 : 0,
    now,
    now,
    list,
  );
}

/** Takes the user's re-read if it is due and nobody holds it. */
export function claimReread(sql: SqlStorage, uaid: string, now: number): boolean {
  const claimed = sql
    .exec<{ uaid: string }>(
      `UPDATE users SET reread_lease_until = ?, reread_started_at = ?
       WHERE uaid = ? AND reread_due_at <= ?
         AND (reread_lease_until IS NULL OR reread_lease_until < ?)
       RETURNING uaid`,
      now + T.rereadLeaseMs,
      now,
      uaid,
      now,
      now,
    )
    .toArray();
  return claimed.length > 0;
}

/**
 * Stores a re-read's outcome (null: no such user). An outage backs off; an
 * answer becomes the standing, and `changed` says whether the caller appends
 * `standing.changed`: the first read counts as a change only when it is not `OK`.
 */
export function storeReread(
  sql: SqlStorage,
  claim: RereadClaim,
  result: RereadResult,
  now: number,
): { changed: boolean; previous: string | null } | null {
  const uaid = claim.userAuthorizationId;
  const row = sql
    .exec<{ standing: string | null; hinted_at: number | null; reread_failures: number }>(
      'SELECT standing, hinted_at, reread_failures FROM users WHERE uaid = ?',
      uaid,
    )
    .toArray()[0];
  if (!row) return null;
  if ('error' in result) {
    const failures = row.reread_failures + 1;
    const backoff = Math.min(T.rereadRetryBaseMs * 2 ** (failures - 1), T.rereadRetryMaxMs);
    sql.exec(
      `UPDATE users SET reread_failures = ?, reread_error = ?, reread_request_id = ?,
         reread_due_at = ?, reread_lease_until = NULL, version = version + 1, updated_at = ?
       WHERE uaid = ?`,
      failures,
      result.error,
      result.paypayRequestId,
      now + backoff,
      now,
      uaid,
    );
    return { changed: false, previous: row.standing };
  }
  // A hint that arrived while PayPay was being read may not be in its answer yet.
  const hintedSince = (row.hinted_at ?? 0) > claim.startedAt;
  sql.exec(
    `UPDATE users SET standing = ?, standing_checked_at = ?, standing_request_id = ?,
       standing_changed_at = CASE WHEN standing IS ? THEN standing_changed_at ELSE ? END,
       reread_due_at = ?, reread_lease_until = NULL, reread_failures = 0, reread_error = NULL,
       reread_request_id = NULL, version = version + 1, updated_at = ? WHERE uaid = ?`,
    result.standing,
    now,
    result.paypayRequestId,
    result.standing,
    now,
    hintedSince ? claim.startedAt + T.rereadMinIntervalMs : null,
    now,
    uaid,
  );
  const changed =
    row.standing !== result.standing && (row.standing !== null || result.standing !== 'OK');
  return { changed, previous: row.standing };
}

/** A user's row; the user must exist. */
export function userRow(sql: SqlStorage, uaid: string): UserRow {
  return sql.exec<UserRow>('SELECT * FROM users WHERE uaid = ?', uaid).one();
}
