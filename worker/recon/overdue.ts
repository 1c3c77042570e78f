import { RECON_FILE_TYPES } from '../../shared/paypay-codes';
import type { Appender } from '../feed/appender';
import { jstDay, jstDayStart, type Period } from './period';

/**
 * Recon files that did not come (issue 24): PayPay sends each day's files
 * between 1:30 and 10:00 JST the next morning. A file type the merchant
 * receives, with no file for yesterday by RECON_EXPECTED_BY, becomes one
 * `recon.overdue`; its file arriving later becomes one `recon.arrived_late`.
 * Both are ordinary feed events of the home shard (forwarded like any other),
 * made once by their dedupe key, so cron runs and retries never repeat them.
 */

const DAY_MS = 86_400_000;

/**
 * A type is "received" when a file of it came in the last 30 days: a merchant
 * not subscribed to risk files is never told they are missing. 30 days is also
 * how long `recon_files` rows are kept (FEED_TIMING.reconRetentionMs).
 */
export const RECEIVED_WITHIN_MS = 30 * DAY_MS;

const overdueKey = (fileType: string, day: string) => `recon.overdue:${fileType}:${day}`;
const lateKey = (fileType: string, day: string) => `recon.arrived_late:${fileType}:${day}`;

/** What one check found: the types newly overdue for `day`. */
export interface OverdueCheck {
  day: string;
  overdue: string[];
}

/**
 * Appends `recon.overdue` for each received type with no file covering
 * yesterday (JST) once `now` is past `expectedByMinutes` after 00:00 JST
 * today; before that, nothing. Idempotent: an event already made is not made again.
 */
export function appendOverdue(
  sql: SqlStorage,
  append: Appender,
  now: number,
  expectedByMinutes: number,
): OverdueCheck {
  const today = jstDay(now);
  const day = jstDay(jstDayStart(today) - DAY_MS);
  if (now < jstDayStart(today) + expectedByMinutes * 60_000) return { day, overdue: [] };
  const received = new Set(
    sql
      .exec<{ file_type: string }>(
        'SELECT DISTINCT file_type FROM recon_files WHERE received_at >= ? AND received_at <= ?',
        now - RECEIVED_WITHIN_MS,
        now,
      )
      .toArray()
      .map((row) => row.file_type),
  );
  const overdue: string[] = [];
  for (const fileType of RECON_FILE_TYPES) {
    if (!received.has(fileType) || hasFileFor(sql, fileType, day)) continue;
    const seq = append.event({
      type: 'recon.overdue',
      occurredAt: now,
      source: 'recon',
      dedupeKey: overdueKey(fileType, day),
      data: { fileType, day },
    });
    if (seq !== null) overdue.push(fileType);
  }
  return { day, overdue };
}

/**
 * A file just recorded: for each day of its period that was reported
 * overdue, one `recon.arrived_late` (once, whatever number of files follow).
 */
export function appendArrivedLate(
  sql: SqlStorage,
  append: Appender,
  fileType: string,
  period: Period,
  now: number,
): number {
  let late = 0;
  for (const day of daysOf(period)) {
    const owed = sql
      .exec('SELECT 1 FROM events WHERE dedupe_key = ?', overdueKey(fileType, day))
      .toArray();
    if (owed.length === 0) continue;
    const seq = append.event({
      type: 'recon.arrived_late',
      occurredAt: now,
      source: 'recon',
      dedupeKey: lateKey(fileType, day),
      data: { fileType, day },
    });
    if (seq !== null) late++;
  }
  return late;
}

function hasFileFor(sql: SqlStorage, fileType: string, day: string): boolean {
  return (
    sql
      .exec(
        'SELECT 1 FROM recon_files WHERE file_type = ? AND period_from <= ? AND period_to >= ? LIMIT 1',
        fileType,
        day,
        day,
      )
      .toArray().length > 0
  );
}

/** The JST days of a period, from first to last (periods are at most 32 days: period.ts). */
function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let at = jstDayStart(period.from); at <= jstDayStart(period.to); at += DAY_MS) {
    days.push(jstDay(at));
    if (days.length > 32) break;
  }
  return days;
}
