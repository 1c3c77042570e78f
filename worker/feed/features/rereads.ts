import type { Appender } from '../appender';
import { claimWithinBudget, confirm, dueRereadsFair, isConfirmed, refund } from '../confirmation';
import { forgettingAmong, isBeingForgotten, rememberSession, unforget } from '../forget-table';
import type { StandingRead } from '../reads';
import { claimReread, storeReread, type RereadClaim, type RereadResult } from '../users-table';

/** What storing a re-read did: the standing changed, stored unchanged, or nothing stored. */
export type StandingRecorded = 'changed' | 'stored' | 'skipped';
/** A verification that completed: the user PayPay just linked, and where its KYC waits. */
export interface VerifiedInput {
  userAuthorizationId: string;
  /** The verification's Durable Object, which holds the KYC until its exchange. */
  sessionObjectId: string;
  referenceId: string | null;
  /** Who gave `referenceId`: the browser (`public`) or the merchant's server; null without one. */
  referenceIdMode: 'public' | 'merchant' | null;
  /** When that object drops the KYC at the latest (epoch ms). */
  kycUntil: number;
  now: number;
}

/** What a completed verification left: the re-read handed to the caller, or the forget that won. */
export interface Verified {
  reread: RereadClaim | null;
  forgetting: boolean;
}

/**
 * Re-reads of PayPay (the truth about a user: notifications are unsigned
 * hints) and what makes them due: a notification (webhooks.ts), a completed
 * verification. Each method is one change: call inside `transactionSync`.
 */
export class Rereads {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /**
   * Users whose re-read is due and not taken, each leased to the caller:
   * confirmed users first, unconfirmed ones within the minute's budget.
   */
  due(now: number, limit: number, budget: number): RereadClaim[] {
    return dueRereadsFair(this.sql, now, limit, budget)
      .filter((uaid) => claimWithinBudget(this.sql, uaid, now, budget))
      .map((uaid) => ({ userAuthorizationId: uaid, startedAt: now }));
  }

  /**
   * Stores a re-read's answer; a changed standing becomes a `standing.changed`
   * event. An answer about the user (anything but INVALID_USER_AUTHORIZATION_ID)
   * confirms the user, and gives back the budget its read spent. Answers
   * whether the standing changed, was stored as it was, or nothing was stored
   * (a user unknown or being forgotten).
   */
  recordStanding(claim: RereadClaim, read: StandingRead, now: number): StandingRecorded {
    const uaid = claim.userAuthorizationId;
    if (forgettingAmong(this.sql, [uaid]).size > 0) return 'skipped';
    // The users table keeps its own input shape.
    const reread: RereadResult = read.ok
      ? read.value
      : { error: read.error.code, paypayRequestId: read.error.paypayRequestId };
    const wasConfirmed = isConfirmed(this.sql, uaid);
    const change = storeReread(this.sql, claim, reread, now);
    if (change && read.ok && read.value.standing !== 'INVALID_USER_AUTHORIZATION_ID') {
      confirm(this.sql, uaid, now);
      if (!wasConfirmed) refund(this.sql, claim.startedAt, now);
    }
    if (change?.changed && read.ok) {
      const { standing, paypayRequestId } = read.value;
      this.append.event({
        type: 'standing.changed',
        uaid,
        occurredAt: now,
        source: 'paypay',
        data: {
          standing,
          previousStanding: change.previous,
          ...(paypayRequestId !== null ? { paypayRequestId } : {}),
        },
      });
    }
    if (change === null) return 'skipped';
    return change.changed && read.ok ? 'changed' : 'stored';
  }

  /**
   * A verification completed: the user is known (PayPay linked it), its KYC's
   * object is remembered for a forget, and a re-read (standing and
   * authorization) is due now and handed to the caller when free. A user
   * forgotten before is known again (a new verification is new consent); for
   * a user being forgotten nothing is recorded and `forgetting` tells the
   * object to drop the KYC it holds: the forget wins.
   */
  verified(input: VerifiedInput): Verified {
    const { userAuthorizationId: uaid, now } = input;
    if (isBeingForgotten(this.sql, uaid)) return { reread: null, forgetting: true };
    unforget(this.sql, uaid);
    this.sql.exec(
      'INSERT INTO users (uaid, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      uaid,
      now,
    );
    this.sql.exec(
      `UPDATE users SET verified_at = ?, reference_id = COALESCE(?, reference_id),
         reference_id_mode = COALESCE(?, reference_id_mode),
         reread_due_at = ?, version = version + 1, updated_at = ? WHERE uaid = ?`,
      now,
      input.referenceId,
      // The mode travels with its referenceId: a verification without one keeps both.
      input.referenceId === null ? null : (input.referenceIdMode ?? 'public'),
      now,
      now,
      uaid,
    );
    confirm(this.sql, uaid, now);
    rememberSession(this.sql, uaid, input.sessionObjectId, input.kycUntil);
    const claimed = claimReread(this.sql, uaid, now);
    return {
      reread: claimed ? { userAuthorizationId: uaid, startedAt: now } : null,
      forgetting: false,
    };
  }
}
