import type { Appender } from '../appender';
import { deleteExpired, expiredUnconfirmed } from '../confirmation';
import { pruneForgetting } from '../forget-table';
import { pruneReconFiles } from '../../recon/table';
import { FEED_TIMING as T } from '../timing';

/**
 * How long what the object holds is kept: feed events (FEED_RETENTION_DAYS,
 * through the appender, with their outbox rows), finished recon files,
 * forgotten-id hashes and session references, and users PayPay never spoke
 * about. The cron's `prune` runs these in short transactions, with the KV
 * deletes in between. Each method is one change: call inside `transactionSync`.
 */
export class Retention {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /** One share of the events older than `before`: how many went (fewer than a share: done). */
  events(before: number): number {
    return this.append.prune(before, T.pruneChunk);
  }

  /** Recon files, hashes and session references past their time. */
  bookkeeping(now: number): void {
    pruneReconFiles(this.sql, now - T.reconRetentionMs);
    pruneForgetting(this.sql, now, now - T.forgottenRetentionMs);
  }

  /**
   * Unconfirmed users last named a week ago or more, whose KV copy is current:
   * the prune deletes their copy, then `dropExpired` their rows.
   */
  expired(now: number): string[] {
    return expiredUnconfirmed(
      this.sql,
      now - T.unconfirmedUserRetentionMs,
      now,
      T.unconfirmedPrunePerRun,
    );
  }

  /** Deletes those still expired (a hint or an answer since keeps the row). */
  dropExpired(uaids: string[], now: number): void {
    deleteExpired(this.sql, uaids, now - T.unconfirmedUserRetentionMs, now);
  }
}
