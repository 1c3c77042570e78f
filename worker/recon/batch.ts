import type { NotificationKind } from '../../shared/feed';
import { jstDayStart, periodEnd } from './period';
import type { ReconFileType } from '../webhooks/notification';
import { insertMisses } from '../feed/events-table';
import { forgettingAmong } from '../feed/forget-table';
import { enqueueMany } from '../feed/outbox-table';
import { batchRecorded, pendingFile } from './table';
import { FEED_TIMING as T } from '../feed/timing';
import { mergeChanges } from '../feed/users-table';

/** The webhook kind whose misses a recon file type lists. */
export const KIND_OF_FILE: Record<ReconFileType, NotificationKind> = {
  kyc_passport_sync_recon: 'kyc',
  kyc_passport_risk_sync_recon: 'risk',
  kyc_passport_account_status_sync_recon: 'account-status',
};

/**
 * One batch of a recon file's ids, across tables: each id not seen in `events`
 * by a webhook of the file's kind during its period becomes a `recon.missed`
 * event and a change of the user's row; `recon_files` keeps the progress. The
 * caller runs it in one `transactionSync`, so a webhook cannot slip in between a
 * check and its append, and a batch processed twice adds nothing (the dedupe
 * key). Set-based: a handful of statements per batch, whatever its size, the
 * ids handed to SQLite as one JSON array (`json_each`). Returns how many ids
 * were missed.
 */
export function reconBatch(
  sql: SqlStorage,
  notificationId: string,
  offset: number,
  ids: string[],
  now: number,
  /** MERCHANT_WEBHOOK_URL is set: new events also go to the outbox. */
  forward: boolean,
): number {
  const file = pendingFile(sql, notificationId);
  if (!file) return 0;
  const fileType = file.file_type as ReconFileType;
  const kind = KIND_OF_FILE[fileType];
  const period = { from: file.period_from, to: file.period_to };
  const end = periodEnd(period);
  // Lines naming a forgotten id, or one being forgotten, are dropped.
  const dropped = forgettingAmong(sql, ids);
  const kept = dropped.size === 0 ? ids : ids.filter((uaid) => !dropped.has(uaid));
  const inserted = insertMisses(sql, kept, {
    kind,
    occurredAt: now,
    dedupePrefix: `miss:${kind}:${period.from}:${period.to}:`,
    data: { kind, fileType, period },
    seenFrom: jstDayStart(period.from),
    seenUntil: end + T.reconSeenGraceMs,
  });
  if (forward)
    enqueueMany(
      sql,
      inserted.map((row) => row.seq),
      now,
    );
  // Listed in PayPay's own file (fetched from an allowed host): a user PayPay
  // knows. The change happened during the period; its end is the latest it can have been.
  mergeChanges(
    sql,
    inserted.map((row) => row.uaid),
    kind,
    end - 1,
    'recon',
    now,
    { confirm: true },
  );
  batchRecorded(sql, notificationId, offset + ids.length, inserted.length, Date.now());
  return inserted.length;
}
