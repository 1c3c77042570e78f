/* eslint-disable max-lines -- the facade is reshaped (split by concern) by the next issue */
import { DurableObject } from 'cloudflare:workers';
import { ok, type Result } from '../../shared/result';
import { WEBHOOK_EVENT_TYPES, type FeedPage, type NotificationKind } from '../../shared/feed';
import { configOf } from '../settings/config';
import { kvKeys } from './kv-keys';
import {
  claimWithinBudget,
  confirm,
  deleteExpired,
  dueRereadsFair,
  expiredUnconfirmed,
  isConfirmed,
  refund,
} from './confirmation';
import { eventsAfter, insertEvent, pruneEvents, type Append } from './events-table';
import { eventOf } from './format';
import { KvCopy } from './kv-copy';
import { migrate } from './migrations';
import { reconBatch } from '../recon/batch';
import {
  claimDeliveries,
  enqueue,
  pruneOutbox,
  settleDeliveries,
  type Delivery,
  type DeliveryTry,
} from './outbox-table';
import {
  claimDueRecon,
  pruneReconFiles,
  recordReconFile,
  reconFailed,
  releaseFile,
  reconFinished,
  type ReconClaim,
  type ReconFileInput,
  type ReconSummary,
} from '../recon/table';
import { FEED_TIMING as T } from './timing';
import {
  claimReread,
  mergeChange,
  rereadClaimable,
  storeReread,
  type RereadClaim,
  type RereadResult,
} from './users-table';
import type { StandingRead } from './reads';
import {
  appendDueNotices,
  latestVerified,
  storeAuthorization,
  type AuthorizationRead,
} from './authorization-table';
import {
  claimForgets,
  FORGET_LEASE_MS,
  finishForget,
  forgetFailed,
  isBeingForgotten,
  isForgetting,
  pruneForgetting,
  rememberSession,
  startForget,
  unforget,
  type ForgetAttempt,
  type ForgetStart,
} from './forget-table';

export type { RereadClaim } from './users-table';
export type { StandingRead } from './reads';
export type { AuthorizationRead } from './authorization-table';
export type { ForgetAttempt, ForgetStart } from './forget-table';

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

/** A webhook notification to record. */
export interface WebhookInput {
  kind: NotificationKind;
  notificationId: string;
  userAuthorizationId: string;
  receivedAt: number;
  /** UNCONFIRMED_REREADS_PER_MINUTE of the caller (default: this object's settings). */
  unconfirmedBudget?: number;
}

/**
 * What recording did: a duplicate changes nothing; `reread` hands this caller
 * the re-read; `dropped` is news of a forgotten user, acknowledged and not kept.
 */
export interface Recorded {
  duplicate: boolean;
  dropped?: boolean;
  eventId: string | null;
  reread: boolean;
}

/**
 * The merchant event feed, and everything that must be exact about webhooks:
 * ONE object (named "feed") with SQLite storage. Each notification id is
 * recorded once (a UNIQUE column), each event gets the next `seq` (the cursor),
 * and each user's state is merged here before KV gets a copy. KV alone cannot
 * do this: its `list` is eventually consistent and concurrent read-modify-write
 * of a key loses updates.
 *
 * A facade: the tables' modules hold the SQL, `KvCopy` the copy to KV. Every
 * change of more than one statement runs in `transactionSync`, so it is atomic
 * whatever the code around it awaits.
 */
export class EventFeed extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly copy: KvCopy;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.copy = new KvCopy(ctx.storage, env.KYC_KV);
    migrate(ctx.storage);
  }

  /**
   * Records a KYC / risk / account-status notification; durable when this
   * returns. A handful of statements: the forget check, the event, the user's
   * merge (which says whether a re-read can be claimed), and the claim only then.
   */
  async record(input: WebhookInput): Promise<Result<Recorded, never>> {
    this.copy.noteRequest();
    const now = input.receivedAt;
    const uaid = input.userAuthorizationId;
    const recorded = this.atomically((): Recorded => {
      if (isForgetting(this.sql, uaid))
        return { duplicate: false, dropped: true, eventId: null, reread: false };
      const seq = this.append({
        type: WEBHOOK_EVENT_TYPES[input.kind],
        kind: input.kind,
        uaid,
        occurredAt: now,
        source: 'webhook',
        notificationId: input.notificationId,
      });
      if (seq === null) return { duplicate: true, eventId: null, reread: false };
      const user = mergeChange(this.sql, uaid, input.kind, now, 'webhook', now);
      const budget = input.unconfirmedBudget ?? this.unconfirmedBudget();
      const reread =
        rereadClaimable(user, now) &&
        claimWithinBudget(this.sql, uaid, now, budget, user.confirmed_at !== null);
      return { duplicate: false, eventId: `ev_${seq}`, reread };
    });
    if (!recorded.duplicate) await this.copy.schedule(now);
    return ok(recorded);
  }

  /** Records a `file.created` notification; a refused path is reported lost at once. */
  async recordRecon(
    input: ReconFileInput,
  ): Promise<Result<{ duplicate: boolean; claim: ReconClaim | null }, never>> {
    return ok(this.atomically(() => recordReconFile(this.sql, input, (e) => this.append(e))));
  }

  /** Recon files whose next download attempt is due; those past PayPay's window are reported lost. */
  async dueRecon(now: number, limit: number): Promise<Result<ReconClaim[], never>> {
    return ok(this.atomically(() => claimDueRecon(this.sql, now, limit, (e) => this.append(e))));
  }

  /**
   * One batch of a recon file's ids: each id not seen by a webhook of the file's
   * kind during its period becomes a `recon.missed` event, once.
   */
  async reconBatch(
    notificationId: string,
    offset: number,
    ids: string[],
    now: number,
  ): Promise<Result<{ missed: number }, never>> {
    const forward = configOf(this.env).merchantWebhook !== null;
    const missed = this.atomically(() =>
      reconBatch(this.sql, notificationId, offset, ids, now, forward),
    );
    return ok({ missed });
  }

  /**
   * A recon file fully processed. Its users' KV copies start now, not batch by
   * batch: the copy would compete with the batches for this object's time.
   */
  async reconFinished(
    notificationId: string,
    summary: ReconSummary,
    now: number,
  ): Promise<Result<null, never>> {
    reconFinished(this.sql, notificationId, summary, now);
    await this.copy.schedule(Date.now());
    return ok(null);
  }

  /** The invocation's share of a recon file is used: due again at once, resumed from `processed`. */
  async reconPaused(notificationId: string, now: number): Promise<Result<null, never>> {
    releaseFile(this.sql, notificationId, now);
    await this.copy.schedule(Date.now());
    return ok(null);
  }

  /** A failed download or unusable file: retried later, or reported lost once the window closed. */
  async reconFailed(
    notificationId: string,
    reason: string,
    now: number,
  ): Promise<Result<'retry' | 'lost', never>> {
    const next = this.atomically(() =>
      reconFailed(this.sql, notificationId, reason, now, (e) => this.append(e)),
    );
    // Batches recorded before the failure wait for their KV copy.
    await this.copy.schedule(Date.now());
    return ok(next);
  }

  /**
   * Events after `after`, oldest first, and the cursor after the last of them:
   * the `FeedPage` as its JSON text, one string across the RPC boundary rather
   * than a thousand objects copied over and encoded again by the Worker.
   */
  async page(after: number, limit: number): Promise<Result<string, never>> {
    this.copy.noteRequest();
    const rows = eventsAfter(this.sql, after, limit);
    const page: FeedPage = {
      events: rows.map(eventOf),
      cursor: String(rows.at(-1)?.seq ?? after),
    };
    return ok(JSON.stringify(page));
  }

  /**
   * Users whose re-read is due and not taken, each leased to the caller:
   * confirmed users first, unconfirmed ones within the minute's budget.
   */
  async dueRereads(
    now: number,
    limit: number,
    unconfirmedBudget?: number,
  ): Promise<Result<RereadClaim[], never>> {
    const budget = unconfirmedBudget ?? this.unconfirmedBudget();
    const claims = this.atomically(() =>
      dueRereadsFair(this.sql, now, limit, budget)
        .filter((uaid) => claimWithinBudget(this.sql, uaid, now, budget))
        .map((uaid) => ({ userAuthorizationId: uaid, startedAt: now })),
    );
    return ok(claims);
  }

  /** Stores a re-read's answer; a changed standing becomes a `standing.changed` event. */
  async recordStanding(
    claim: RereadClaim,
    read: StandingRead,
    now: number,
  ): Promise<Result<null, never>> {
    // The users table keeps its own input shape until the feed's reshaping.
    const reread: RereadResult = read.ok
      ? read.value
      : { error: read.error.code, paypayRequestId: read.error.paypayRequestId };
    const stored = this.atomically(() => {
      const uaid = claim.userAuthorizationId;
      if (isForgetting(this.sql, uaid)) return false;
      const wasConfirmed = isConfirmed(this.sql, uaid);
      const change = storeReread(this.sql, claim, reread, now);
      if (change && read.ok && read.value.standing !== 'INVALID_USER_AUTHORIZATION_ID') {
        confirm(this.sql, uaid, now);
        if (!wasConfirmed) refund(this.sql, claim.startedAt, now);
      }
      if (change?.changed && read.ok) {
        const { standing, paypayRequestId } = read.value;
        this.append({
          type: 'standing.changed',
          uaid: claim.userAuthorizationId,
          occurredAt: now,
          source: 'paypay',
          data: {
            standing,
            previousStanding: change.previous,
            ...(paypayRequestId !== null ? { paypayRequestId } : {}),
          },
        });
      }
      return change !== null;
    });
    if (stored) await this.copy.schedule(now);
    return ok(null);
  }

  /**
   * A verification completed: the user is known (PayPay linked it), its KYC's
   * object is remembered for a forget, and a re-read (standing and
   * authorization) is due now and handed to the caller when free. A user
   * forgotten before is known again (a new verification is new consent); for
   * a user being forgotten nothing is recorded and `forgetting` tells the
   * object to drop the KYC it holds: the forget wins.
   */
  async verified(
    input: VerifiedInput,
  ): Promise<Result<{ reread: RereadClaim | null; forgetting: boolean }, never>> {
    const { userAuthorizationId: uaid, now } = input;
    const linked = this.atomically(() => {
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
    });
    if (!linked.forgetting) await this.copy.schedule(now);
    return ok(linked);
  }

  /** Stores a read of PayPay's authorization; an expiry PayPay reports may owe an event now. */
  async recordAuthorization(
    uaid: string,
    read: AuthorizationRead,
    now: number,
  ): Promise<Result<null, never>> {
    const stored = this.atomically(() =>
      storeAuthorization(this.sql, uaid, read, now, (e) => this.append(e)),
    );
    if (stored) await this.copy.schedule(now);
    return ok(null);
  }

  /** Appends the authorization expiry events now due (the cron); how many. */
  async authorizationNotices(
    now: number,
    windowMs: number,
    limit: number,
  ): Promise<Result<number, never>> {
    const n = this.atomically(() =>
      appendDueNotices(this.sql, now, windowMs, limit, (e) => this.append(e)),
    );
    if (n > 0) await this.copy.schedule(now);
    return ok(n);
  }

  /** The most recently verified user (the doctor reads its authorization); null before any. */
  async latestVerifiedUser(): Promise<Result<string | null, never>> {
    return ok(latestVerified(this.sql));
  }

  /** Starts forgetting a user; the first attempt is leased to the caller. */
  async startForget(
    uaid: string,
    requestId: string,
    now: number,
  ): Promise<Result<ForgetStart, never>> {
    const start = this.atomically(() => startForget(this.sql, uaid, requestId, now));
    if (start.state === 'started') await this.copy.schedule(now);
    return ok(start);
  }

  /** Forgets whose next attempt is due, leased to the caller (the cron). */
  async dueForgets(now: number, limit: number): Promise<Result<ForgetAttempt[], never>> {
    return ok(this.atomically(() => claimForgets(this.sql, now, limit)));
  }

  /** An attempt failed: retried with backoff, the reason in the user's state. */
  async forgetFailed(
    uaid: string,
    error: string,
    paypayRequestId: string | null,
    now: number,
  ): Promise<Result<null, never>> {
    this.atomically(() => forgetFailed(this.sql, uaid, error, paypayRequestId, now));
    await this.copy.schedule(now);
    return ok(null);
  }

  /**
   * Unlinked and cleared: the KV copy is deleted, then the row, leaving the
   * hash and one `user.forgotten`. The row stops being copied first and any
   * copy in flight is waited for, so no write of it can land after the
   * delete; should the delete fail, the lease makes the cron try again.
   */
  async finishForget(uaid: string, now: number): Promise<Result<boolean, never>> {
    const forgetting = this.atomically(
      () =>
        this.sql
          .exec(
            `UPDATE users SET kv_version = version, forget_due_at = ?, forget_lease_until = ?
             WHERE uaid = ? AND forget_requested_at IS NOT NULL RETURNING uaid`,
            now + FORGET_LEASE_MS,
            now + FORGET_LEASE_MS,
            uaid,
          )
          .toArray().length > 0,
    );
    if (!forgetting) return ok(false);
    await this.copy.idle();
    await this.env.KYC_KV.delete(kvKeys.user(uaid));
    return ok(this.atomically(() => finishForget(this.sql, uaid, now, (e) => this.append(e))));
  }

  /** Outbox entries due for forwarding, leased to the caller. */
  async dueDeliveries(now: number, limit: number): Promise<Result<Delivery[], never>> {
    return ok(this.atomically(() => claimDeliveries(this.sql, now, limit)));
  }

  /** What forwarding attempts did: delivered ones leave the outbox, others back off. */
  async settleDeliveries(tries: DeliveryTry[], now: number): Promise<Result<null, never>> {
    this.atomically(() => settleDeliveries(this.sql, tries, now));
    return ok(null);
  }

  /**
   * Copies changed users to KV: one writer, one write per user at a time and at
   * most one per second per key, as KV allows. Returns how many stay unwritten.
   */
  async flush(): Promise<Result<number, never>> {
    return ok(await this.copy.flush());
  }

  /**
   * Arms the alarm when users wait for their KV copy (the cron trigger's
   * backstop: the copy itself runs in the alarm, not in the cron invocation).
   */
  async kickFlush(): Promise<Result<number, never>> {
    return ok(await this.copy.kick());
  }

  /**
   * Deletes feed events older than FEED_RETENTION_DAYS (10,000 a run, in short
   * transactions that webhooks and reads fit between), recon files and
   * forgotten-id hashes older than theirs, and users PayPay never spoke about,
   * a week after the last notification naming them (their events stay): a
   * flood of forged ids leaves nothing for good.
   */
  async prune(now: number): Promise<Result<null, never>> {
    const before = now - configOf(this.env).feedRetentionDays * 86_400_000;
    for (let chunk = 0; chunk < T.pruneChunks; chunk++) {
      const deleted = this.atomically(() => {
        const seqs = pruneEvents(this.sql, before, T.pruneChunk);
        pruneOutbox(this.sql, seqs);
        return seqs.length;
      });
      if (deleted < T.pruneChunk) break;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.atomically(() => {
      pruneReconFiles(this.sql, now - T.reconRetentionMs);
      pruneForgetting(this.sql, now, now - T.forgottenRetentionMs);
    });
    const stale = now - T.unconfirmedUserRetentionMs;
    const expired = expiredUnconfirmed(this.sql, stale, now, T.unconfirmedPrunePerRun);
    // The KV copy first: a row kept by a hint meanwhile has a newer version, so it is copied again.
    await Promise.all(expired.map((uaid) => this.env.KYC_KV.delete(kvKeys.user(uaid))));
    this.atomically(() => deleteExpired(this.sql, expired, stale, now));
    return ok(null);
  }

  // ---- placeholder: replaced by the feed-modules branch (from here to the end marker) ----

  /** placeholder: replaced by the feed-modules branch. `record` for many, in one transaction. */
  async recordBatch(items: WebhookInput[]): Promise<Result<Recorded[], never>> {
    this.copy.noteRequest();
    const recorded = this.atomically(() =>
      items.map((input): Recorded => {
        const now = input.receivedAt;
        const uaid = input.userAuthorizationId;
        if (isForgetting(this.sql, uaid))
          return { duplicate: false, dropped: true, eventId: null, reread: false };
        const seq = this.append({
          type: WEBHOOK_EVENT_TYPES[input.kind],
          kind: input.kind,
          uaid,
          occurredAt: now,
          source: 'webhook',
          notificationId: input.notificationId,
        });
        if (seq === null) return { duplicate: true, eventId: null, reread: false };
        const user = mergeChange(this.sql, uaid, input.kind, now, 'webhook', now);
        const budget = input.unconfirmedBudget ?? this.unconfirmedBudget();
        const reread =
          rereadClaimable(user, now) &&
          claimWithinBudget(this.sql, uaid, now, budget, user.confirmed_at !== null);
        return { duplicate: false, eventId: `ev_${seq}`, reread };
      }),
    );
    const fresh = items.filter((_, i) => !recorded[i]!.duplicate);
    if (fresh.length > 0) await this.copy.schedule(Math.max(...fresh.map((i) => i.receivedAt)));
    return ok(recorded);
  }

  /** placeholder: replaced by the feed-modules branch. */
  async parkDeadLetters(
    letters: { id: string; body: string; attempts: number }[],
    now: number,
  ): Promise<Result<{ parked: number }, never>> {
    const parked = this.atomically(() => {
      this.placeholderDeadLetterTable();
      let n = 0;
      for (const letter of letters) {
        n += this.sql
          .exec(
            `INSERT INTO dead_letters (id, body, attempts, parked_at) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING RETURNING id`,
            letter.id,
            letter.body,
            letter.attempts,
            now,
          )
          .toArray().length;
      }
      if (n > 0) {
        this.append({
          type: 'ingest.dead_lettered' as Append['type'],
          occurredAt: now,
          source: 'webhook',
          data: { count: n },
        });
      }
      return n;
    });
    return ok({ parked });
  }

  /** placeholder: replaced by the feed-modules branch. */
  async deadLetters(
    limit: number,
  ): Promise<Result<{ id: string; body: string; attempts: number; parkedAt: number }[], never>> {
    this.placeholderDeadLetterTable();
    const rows = this.sql
      .exec<{ id: string; body: string; attempts: number; parked_at: number }>(
        'SELECT id, body, attempts, parked_at FROM dead_letters ORDER BY parked_at, id LIMIT ?',
        limit,
      )
      .toArray();
    return ok(
      rows.map((r) => ({ id: r.id, body: r.body, attempts: r.attempts, parkedAt: r.parked_at })),
    );
  }

  /** placeholder: replaced by the feed-modules branch. */
  async removeDeadLetters(ids: string[]): Promise<Result<number, never>> {
    this.placeholderDeadLetterTable();
    const removed = this.sql
      .exec(
        'DELETE FROM dead_letters WHERE id IN (SELECT value FROM json_each(?)) RETURNING id',
        JSON.stringify(ids),
      )
      .toArray().length;
    return ok(removed);
  }

  /** placeholder: replaced by the feed-modules branch. */
  async deadLetterCount(): Promise<Result<number, never>> {
    this.placeholderDeadLetterTable();
    return ok(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters').one().n);
  }

  /** placeholder: replaced by the feed-modules branch. */
  private placeholderDeadLetterTable(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
      id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at INTEGER NOT NULL)`);
  }

  // ---- end of placeholder ----

  override async alarm(): Promise<void> {
    await this.copy.alarm();
  }

  private unconfirmedBudget(): number {
    return configOf(this.env).unconfirmedRereadsPerMinute;
  }

  /** Runs a change of several statements as one SQLite transaction: all of it or none. */
  private atomically<R>(change: () => R): R {
    return this.ctx.storage.transactionSync(change);
  }

  /**
   * Appends one event unless its notification id or dedupe key is already
   * there; with MERCHANT_WEBHOOK_URL set (this object's own settings) it is
   * also queued for forwarding. Runs inside the caller's transaction.
   */
  private append(event: Append): number | null {
    const seq = insertEvent(this.sql, event);
    if (seq !== null && configOf(this.env).merchantWebhook !== null) {
      enqueue(this.sql, seq, event.occurredAt);
    }
    return seq;
  }
}
