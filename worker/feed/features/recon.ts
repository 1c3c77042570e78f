import type { Appender } from '../appender';
import { recordMisses, type ReconFileOf } from '../../recon/batch';
import {
  batchRecorded,
  claimDueRecon,
  pendingFile,
  reconFailed,
  reconFinished,
  recordReconFile,
  releaseFile,
  type ReconClaim,
  type ReconFileInput,
  type ReconSummary,
} from '../../recon/table';
import type { ReconFileType } from '../../webhooks/notification';
import { appendArrivedLate, appendOverdue, type OverdueCheck } from '../../recon/overdue';

/** What recording a `file.created` notification did. */
export interface RecordedRecon {
  duplicate: boolean;
  claim: ReconClaim | null;
  /** Days of its period that had been reported overdue (`recon.arrived_late`, once each). */
  late: number;
}

/** How many ids of a recon batch were missed. */
export type Missed = { missed: number };

/** A recon file as a shard's share of a batch split by shard names it. */
export interface ReconFileRef extends ReconFileOf {
  notificationId: string;
}

/**
 * Recon files: the home shard keeps each file's bookkeeping (`recon_files`),
 * and every shard records the misses of its own users. Each method is one
 * change: call inside `transactionSync`.
 */
export class Recon {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /** A `file.created` notification, once; a refused path is reported lost at once. */
  record(input: ReconFileInput): RecordedRecon {
    const recorded = recordReconFile(this.sql, input, this.append);
    // A file for a day already reported overdue closes it (recon/overdue.ts).
    const late = recorded.duplicate
      ? 0
      : appendArrivedLate(this.sql, this.append, input.fileType, input.period, input.receivedAt);
    return { ...recorded, late };
  }

  /** Home shard, the cron: yesterday's files not come by RECON_EXPECTED_BY become events, once. */
  overdue(now: number, expectedByMinutes: number): OverdueCheck {
    return appendOverdue(this.sql, this.append, now, expectedByMinutes);
  }

  /** Files whose next download attempt is due; those past PayPay's window are reported lost. */
  due(now: number, limit: number): ReconClaim[] {
    return claimDueRecon(this.sql, now, limit, this.append);
  }

  /**
   * One batch of a pending file's ids when every id is this object's (one
   * shard): its misses, and the file's progress. How many were missed.
   */
  batch(notificationId: string, offset: number, ids: string[], now: number): Missed {
    const file = pendingFile(this.sql, notificationId);
    if (!file) return { missed: 0 };
    const of: ReconFileOf = {
      fileType: file.file_type as ReconFileType,
      period: { from: file.period_from, to: file.period_to },
    };
    const missed = recordMisses(this.sql, this.append, of, ids, now);
    // The lease is renewed from the clock: `now` is the invocation's, the same for every batch.
    batchRecorded(this.sql, notificationId, offset + ids.length, missed, Date.now());
    return { missed };
  }

  /** The misses among this shard's share of a batch; `recon_files` is the home shard's. */
  ids(file: ReconFileRef, ids: string[], now: number): Missed {
    return { missed: recordMisses(this.sql, this.append, file, ids, now) };
  }

  /** A batch split by shard was recorded everywhere: the file's progress, its lease renewed. */
  progress(notificationId: string, processed: number, missed: number): void {
    batchRecorded(this.sql, notificationId, processed, missed, Date.now());
  }

  /** A file fully processed. */
  finished(notificationId: string, summary: ReconSummary, now: number): void {
    reconFinished(this.sql, notificationId, summary, now);
  }

  /** The invocation's share of a file is used: due again at once, resumed from `processed`. */
  paused(notificationId: string, now: number): void {
    releaseFile(this.sql, notificationId, now);
  }

  /** A failed download or unusable file: retried later, or reported lost once the window closed. */
  failed(notificationId: string, reason: string, now: number): 'retry' | 'lost' {
    return reconFailed(this.sql, notificationId, reason, now, this.append);
  }
}
