import type { Appender } from '../appender';
import {
  appendDueNotices,
  latestVerified,
  storeAuthorization,
  type AuthorizationRead,
} from '../authorization-table';

/**
 * PayPay's authorization of each user, and its expiry events, once per
 * `expireAt`. Each method is one change: call inside `transactionSync`.
 */
export class Authorizations {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /** Stores a read; an expiry PayPay reports may owe an event now. False for a user not held. */
  record(uaid: string, read: AuthorizationRead, now: number): boolean {
    return storeAuthorization(this.sql, uaid, read, now, this.append);
  }

  /** Appends the expiry events now due (the cron): how many. */
  notices(now: number, windowMs: number, limit: number): number {
    return appendDueNotices(this.sql, now, windowMs, limit, this.append);
  }

  /** The most recently verified user (the doctor reads its authorization), and when; null before any. */
  latestVerified(): { userAuthorizationId: string; verifiedAt: number } | null {
    return latestVerified(this.sql);
  }
}
