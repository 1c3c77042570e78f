import type { ReconFileType } from '../webhooks/notification';
import type { Period } from './period';
import type { Appender } from '../feed/appender';
import { reconBackoff, reconGivesUp, UNHEALING_SQL } from './retry';
import { FEED_TIMING as T } from '../feed/timing';

/**
 * The `recon_files` table (worker/feed/migrations.ts): one row per
 * `file.created` notification, its download attempts and progress.
 */

/** A `file.created` notification to record. */
export interface ReconFileInput {
  notificationId: string;
  fileType: ReconFileType;
  path: string;
  requestedAt: number;
  period: Period;
  receivedAt: number;
  /** Why the path may not be fetched (host, scheme, userinfo...), or null. */
  refused: string | null;
}

/** A recon file handed to one caller to download and process. */
export interface ReconClaim {
  notificationId: string;
  fileType: ReconFileType;
  path: string;
  requestedAt: number;
  period: Period;
  /** Ids already processed by an earlier attempt (batches are idempotent anyway). */
  processed: number;
  attempts: number;
}

/** What a processed file held. */
export interface ReconSummary {
  total: number;
  junk: number;
  /** Line numbers (1-based) of the first junk lines. */
  junkLines: number[];
}

/** One row of `recon_files`, as the queries here read it. */
export type ReconFileRow = {
  notification_id: string;
  file_type: string;
  path: string;
  requested_at: number;
  period_from: string;
  period_to: string;
  state: string;
  attempts: number;
  processed: number;
  last_error: string | null;
};

/** Records a file once per notification id and, unless refused, hands it to the caller. */
export function recordReconFile(
  sql: SqlStorage,
  input: ReconFileInput,
  append: Appender,
): { duplicate: boolean; claim: ReconClaim | null } {
  const inserted = sql
    .exec<{ notification_id: string }>(
      `INSERT INTO recon_files (notification_id, file_type, path, requested_at, period_from,
         period_to, received_at, state, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING RETURNING notification_id`,
      input.notificationId,
      input.fileType,
      input.path,
      input.requestedAt,
      input.period.from,
      input.period.to,
      input.receivedAt,
      input.receivedAt,
    )
    .toArray();
  if (inserted.length === 0) return { duplicate: true, claim: null };
  if (input.refused !== null) {
    markLost(sql, input.notificationId, input.refused, input.receivedAt, append);
    return { duplicate: false, claim: null };
  }
  return { duplicate: false, claim: claimFile(sql, input.notificationId, input.receivedAt) };
}

/**
 * Files due for another attempt; files whose window closed are reported lost
 * first. Fair, not first-due-first: files whose last failure may heal come
 * before refused paths, then those tried least, then the oldest (nearest the
 * end of its window).
 */
export function claimDueRecon(
  sql: SqlStorage,
  now: number,
  limit: number,
  append: Appender,
): ReconClaim[] {
  const closed = sql
    .exec<ReconFileRow>(
      `SELECT * FROM recon_files WHERE state = 'pending'
         AND (lease_until IS NULL OR lease_until < ?) AND requested_at + ? <= ?`,
      now,
      T.reconWindowMs,
      now,
    )
    .toArray();
  for (const file of closed) {
    markLost(sql, file.notification_id, file.last_error ?? 'WINDOW_CLOSED', now, append);
  }
  const due = sql
    .exec<{ notification_id: string }>(
      `SELECT notification_id FROM recon_files WHERE state = 'pending' AND next_attempt_at <= ?
         AND (lease_until IS NULL OR lease_until < ?)
       ORDER BY ${UNHEALING_SQL}, attempts, requested_at, next_attempt_at LIMIT ?`,
      now,
      now,
      limit,
    )
    .toArray();
  return due
    .map((row) => claimFile(sql, row.notification_id, now))
    .filter((claim): claim is ReconClaim => claim !== null);
}

/** A batch of the file's ids recorded: progress, and the lease renewed from `clock` (real time). */
export function batchRecorded(
  sql: SqlStorage,
  notificationId: string,
  processedUpTo: number,
  missed: number,
  clock: number,
): void {
  sql.exec(
    `UPDATE recon_files SET processed = MAX(processed, ?), missed = missed + ?,
       lease_until = MAX(COALESCE(lease_until, 0), ?) WHERE notification_id = ?`,
    processedUpTo,
    missed,
    clock + T.reconLeaseMs,
    notificationId,
  );
}

/**
 * The invocation processing the file used its share: the file is released and
 * due at once, so the next cron run resumes it from `processed`. Not an
 * attempt: the claim's count is given back.
 */
export function releaseFile(sql: SqlStorage, notificationId: string, now: number): void {
  sql.exec(
    `UPDATE recon_files SET lease_until = NULL, next_attempt_at = ?, attempts = MAX(0, attempts - 1)
     WHERE notification_id = ? AND state = 'pending'`,
    now,
    notificationId,
  );
}

/** Marks a file processed. */
export function reconFinished(
  sql: SqlStorage,
  notificationId: string,
  summary: ReconSummary,
  now: number,
): void {
  sql.exec(
    `UPDATE recon_files SET state = 'done', ids_total = ?, junk = ?, junk_lines = ?,
       finished_at = ?, lease_until = NULL, last_error = NULL
     WHERE notification_id = ? AND state = 'pending'`,
    summary.total,
    summary.junk,
    JSON.stringify(summary.junkLines),
    now,
    notificationId,
  );
}

/**
 * A failed attempt: back off, or report the file lost once PayPay's window has
 * closed or its host refused the path twice.
 */
export function reconFailed(
  sql: SqlStorage,
  notificationId: string,
  reason: string,
  now: number,
  append: Appender,
): 'retry' | 'lost' {
  const file = pendingFile(sql, notificationId);
  if (!file) return 'lost';
  if (reconGivesUp(reason, file.attempts, file.requested_at, now)) {
    markLost(sql, notificationId, reason, now, append);
    return 'lost';
  }
  sql.exec(
    `UPDATE recon_files SET last_error = ?, lease_until = NULL, next_attempt_at = ?
     WHERE notification_id = ?`,
    reason,
    now + reconBackoff(file.attempts),
    notificationId,
  );
  return 'retry';
}

/** Deletes finished (done or lost) files received before `before`. */
export function pruneReconFiles(sql: SqlStorage, before: number): void {
  sql.exec("DELETE FROM recon_files WHERE state <> 'pending' AND received_at < ?", before);
}

/** The file, if it is still pending (not done, not lost). */
export function pendingFile(sql: SqlStorage, notificationId: string): ReconFileRow | undefined {
  return sql
    .exec<ReconFileRow>(
      "SELECT * FROM recon_files WHERE notification_id = ? AND state = 'pending'",
      notificationId,
    )
    .toArray()[0];
}

function claimFile(sql: SqlStorage, notificationId: string, now: number): ReconClaim | null {
  const row = sql
    .exec<ReconFileRow>(
      `UPDATE recon_files SET lease_until = ?, attempts = attempts + 1
       WHERE notification_id = ? AND state = 'pending' RETURNING *`,
      now + T.reconLeaseMs,
      notificationId,
    )
    .toArray()[0];
  if (!row) return null;
  return {
    notificationId: row.notification_id,
    fileType: row.file_type as ReconFileType,
    path: row.path,
    requestedAt: row.requested_at,
    period: { from: row.period_from, to: row.period_to },
    processed: row.processed,
    attempts: row.attempts,
  };
}

function markLost(
  sql: SqlStorage,
  notificationId: string,
  reason: string,
  now: number,
  append: Appender,
): void {
  const file = sql
    .exec<ReconFileRow>(
      `UPDATE recon_files SET state = 'lost', last_error = ?, lease_until = NULL, finished_at = ?
       WHERE notification_id = ? AND state = 'pending' RETURNING *`,
      reason,
      now,
      notificationId,
    )
    .toArray()[0];
  if (!file) return;
  append.event({
    type: 'recon.lost',
    occurredAt: now,
    source: 'recon',
    notificationId,
    data: {
      fileType: file.file_type,
      period: { from: file.period_from, to: file.period_to },
      reason,
      requestedAt: new Date(file.requested_at).toISOString(),
    },
  });
}
