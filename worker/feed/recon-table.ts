import type { NotificationKind } from '../../shared/feed';
import type { ReconFileType } from '../webhooks/notification';
import { jstDayStart, periodEnd, type Period } from '../recon/period';
import type { Append } from './object';
import { FEED_TIMING as T } from './timing';

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
  forward: boolean;
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

type FileRow = {
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

type AppendFn = (event: Append) => number | null;

/** The webhook kind whose misses a recon file type lists. */
export const KIND_OF_FILE: Record<ReconFileType, NotificationKind> = {
  kyc_passport_sync_recon: 'kyc',
  kyc_passport_risk_sync_recon: 'risk',
  kyc_passport_account_status_sync_recon: 'account-status',
};

/** Records a file once per notification id and, unless refused, hands it to the caller. */
export function recordReconFile(
  sql: SqlStorage,
  input: ReconFileInput,
  append: AppendFn,
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

/** Files due for another attempt; files whose window closed are reported lost first. */
export function claimDueRecon(
  sql: SqlStorage,
  now: number,
  limit: number,
  append: AppendFn,
): ReconClaim[] {
  const closed = sql
    .exec<FileRow>(
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
         AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT ?`,
      now,
      now,
      limit,
    )
    .toArray();
  return due
    .map((row) => claimFile(sql, row.notification_id, now))
    .filter((claim): claim is ReconClaim => claim !== null);
}

/**
 * One batch of ids. The check and the append happen in one synchronous run
 * (one SQLite transaction): a webhook cannot slip in between, and a batch
 * processed twice adds nothing (the dedupe key).
 */
export function reconBatch(
  sql: SqlStorage,
  notificationId: string,
  offset: number,
  ids: string[],
  now: number,
  effects: { append: AppendFn; merge: (uaid: string, kind: NotificationKind, at: number) => void },
): number {
  const file = sql
    .exec<FileRow>(
      "SELECT * FROM recon_files WHERE notification_id = ? AND state = 'pending'",
      notificationId,
    )
    .toArray()[0];
  if (!file) return 0;
  const fileType = file.file_type as ReconFileType;
  const kind = KIND_OF_FILE[fileType];
  const period = { from: file.period_from, to: file.period_to };
  const from = jstDayStart(period.from);
  const end = periodEnd(period);
  let missed = 0;
  for (const uaid of ids) {
    const seen = sql
      .exec(
        `SELECT 1 FROM events WHERE uaid = ? AND kind = ? AND source = 'webhook'
           AND occurred_at >= ? AND occurred_at < ? LIMIT 1`,
        uaid,
        kind,
        from,
        end + T.reconSeenGraceMs,
      )
      .toArray();
    if (seen.length > 0) continue;
    const seq = effects.append({
      type: 'recon.missed',
      kind,
      uaid,
      occurredAt: now,
      source: 'recon',
      dedupeKey: `miss:${kind}:${period.from}:${period.to}:${uaid}`,
      data: { kind, fileType, period },
    });
    if (seq === null) continue;
    // The change happened during the period; its end is the latest it can have been.
    effects.merge(uaid, kind, end - 1);
    missed++;
  }
  sql.exec(
    `UPDATE recon_files SET processed = MAX(processed, ?), missed = missed + ?,
       lease_until = MAX(COALESCE(lease_until, 0), ?) WHERE notification_id = ?`,
    offset + ids.length,
    missed,
    now + T.reconLeaseMs,
    notificationId,
  );
  return missed;
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

/** A failed attempt: back off, or report the file lost once PayPay's window has closed. */
export function reconFailed(
  sql: SqlStorage,
  notificationId: string,
  reason: string,
  now: number,
  append: AppendFn,
): 'retry' | 'lost' {
  const file = sql
    .exec<FileRow>(
      "SELECT * FROM recon_files WHERE notification_id = ? AND state = 'pending'",
      notificationId,
    )
    .toArray()[0];
  if (!file) return 'lost';
  if (now >= file.requested_at + T.reconWindowMs) {
    markLost(sql, notificationId, reason, now, append);
    return 'lost';
  }
  const backoff = Math.min(
    T.reconRetryBaseMs * 2 ** Math.max(0, file.attempts - 1),
    T.reconRetryMaxMs,
  );
  sql.exec(
    `UPDATE recon_files SET last_error = ?, lease_until = NULL, next_attempt_at = ?
     WHERE notification_id = ?`,
    reason,
    now + backoff,
    notificationId,
  );
  return 'retry';
}

function claimFile(sql: SqlStorage, notificationId: string, now: number): ReconClaim | null {
  const row = sql
    .exec<FileRow>(
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
  append: AppendFn,
): void {
  const file = sql
    .exec<FileRow>(
      `UPDATE recon_files SET state = 'lost', last_error = ?, lease_until = NULL, finished_at = ?
       WHERE notification_id = ? AND state = 'pending' RETURNING *`,
      reason,
      now,
      notificationId,
    )
    .toArray()[0];
  if (!file) return;
  append({
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
