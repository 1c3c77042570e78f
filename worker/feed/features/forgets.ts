import type { Appender } from '../appender';
import {
  claimForgets,
  finishForget,
  forgetFailed,
  startForget,
  stopCopying,
  type ForgetAttempt,
  type ForgetStart,
} from '../forget-table';

/**
 * Forgetting a user (docs/storage.md, "Forgetting a user"): started at once,
 * unlinked at PayPay by attempts the cron retries, finished with one
 * `user.forgotten`. Each method is one change: call inside `transactionSync`.
 */
export class Forgets {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /** Starts forgetting a user; the first attempt is leased to the caller. */
  start(uaid: string, requestId: string, now: number): ForgetStart {
    return startForget(this.sql, uaid, requestId, now);
  }

  /** Forgets whose next attempt is due, leased to the caller (the cron). */
  due(now: number, limit: number): ForgetAttempt[] {
    return claimForgets(this.sql, now, limit);
  }

  /** An attempt failed: retried with backoff, the reason in the user's state. */
  failed(uaid: string, error: string, paypayRequestId: string | null, now: number): void {
    forgetFailed(this.sql, uaid, error, paypayRequestId, now);
  }

  /** Before the KV copy is deleted: the row stops being copied. False when not being forgotten. */
  stopCopying(uaid: string, now: number): boolean {
    return stopCopying(this.sql, uaid, now);
  }

  /** After the KV copy is deleted: the row goes, the hash stays, `user.forgotten` is appended. */
  finish(uaid: string, now: number): boolean {
    return finishForget(this.sql, uaid, now, this.append);
  }
}
