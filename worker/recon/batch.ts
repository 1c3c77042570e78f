import type { NotificationKind } from '../../shared/feed';
import { jstDayStart, periodEnd, type Period } from './period';
import type { ReconFileType } from '../webhooks/notification';
import type { Appender } from '../feed/appender';
import { forgettingAmong } from '../feed/forget-table';
import { FEED_TIMING as T } from '../feed/timing';
import { mergeChanges } from '../feed/users-table';

/** The webhook kind whose misses a recon file type lists. */
export const KIND_OF_FILE: Record<ReconFileType, NotificationKind> = {
  kyc_passport_sync_recon: 'kyc',
  kyc_passport_risk_sync_recon: 'risk',
  kyc_passport_account_status_sync_recon: 'account-status',
};

/** What a batch of misses needs of its recon file. */
export interface ReconFileOf {
  fileType: ReconFileType;
  period: Period;
}

/**
 * The misses among a batch of a recon file's ids, across tables: each id not
 * seen in `events` by a webhook of the file's kind during its period becomes a
 * `recon.missed` event (forwarded as any event: the appender) and a change of
 * the user's row. It does not touch `recon_files`: the home shard keeps the
 * file's progress, the shard of each id its misses. The caller runs it in one
 * `transactionSync`, so a webhook cannot slip in between a check and its
 * append, and ids recorded twice add nothing (the dedupe key). Set-based: a
 * handful of statements per batch, whatever its size, the ids handed to
 * SQLite as one JSON array (`json_each`). Returns how many ids were missed.
 */
export function recordMisses(
  sql: SqlStorage,
  append: Appender,
  file: ReconFileOf,
  ids: readonly string[],
  now: number,
): number {
  const { fileType, period } = file;
  const kind = KIND_OF_FILE[fileType];
  const end = periodEnd(period);
  // Lines naming a forgotten id, or one being forgotten, are dropped.
  const dropped = forgettingAmong(sql, ids);
  const kept = dropped.size === 0 ? ids : ids.filter((uaid) => !dropped.has(uaid));
  const inserted = append.misses(kept, {
    kind,
    occurredAt: now,
    dedupePrefix: `miss:${kind}:${period.from}:${period.to}:`,
    data: { kind, fileType, period: { from: period.from, to: period.to } },
    seenFrom: jstDayStart(period.from),
    seenUntil: end + T.reconSeenGraceMs,
  });
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
  return inserted.length;
}
