import type { NotificationKind } from '../../shared/feed';
import { jstDayStart, periodEnd } from '../recon/period';
import type { ReconFileType } from '../webhooks/notification';
import { seenByWebhook, type AppendFn } from './events-table';
import { batchRecorded, pendingFile } from './recon-table';
import { FEED_TIMING as T } from './timing';

/** The webhook kind whose misses a recon file type lists. */
export const KIND_OF_FILE: Record<ReconFileType, NotificationKind> = {
  kyc_passport_sync_recon: 'kyc',
  kyc_passport_risk_sync_recon: 'risk',
  kyc_passport_account_status_sync_recon: 'account-status',
};

/**
 * One batch of a recon file's ids, across three tables: each id not seen in
 * `events` by a webhook of the file's kind during its period becomes a
 * `recon.missed` event and a change of the user's row; `recon_files` keeps the
 * progress. The caller runs it in one `transactionSync`, so a webhook cannot
 * slip in between a check and its append, and a batch processed twice adds
 * nothing (the dedupe key). Returns how many ids were missed.
 */
export function reconBatch(
  sql: SqlStorage,
  notificationId: string,
  offset: number,
  ids: string[],
  now: number,
  effects: {
    append: AppendFn;
    merge: (uaid: string, kind: NotificationKind, at: number) => void;
    /** Whether the id is forgotten or being forgotten: its line is dropped. */
    forgotten: (uaid: string) => boolean;
  },
): number {
  const file = pendingFile(sql, notificationId);
  if (!file) return 0;
  const fileType = file.file_type as ReconFileType;
  const kind = KIND_OF_FILE[fileType];
  const period = { from: file.period_from, to: file.period_to };
  const from = jstDayStart(period.from);
  const end = periodEnd(period);
  let missed = 0;
  for (const uaid of ids) {
    if (seenByWebhook(sql, uaid, kind, from, end + T.reconSeenGraceMs)) continue;
    if (effects.forgotten(uaid)) continue;
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
  batchRecorded(sql, notificationId, offset + ids.length, missed, now);
  return missed;
}
