import { DurableObject } from 'cloudflare:workers';
import {
  WEBHOOK_EVENT_TYPES,
  type FeedEvent,
  type NotificationKind,
  type Standing,
} from '../../shared/feed';
import { putUserState } from '../store/users';
import { eventOf, RECENT_PER_KIND, userStateOf, type EventRow, type UserRow } from './format';
import {
  claimDueRecon,
  recordReconFile,
  reconBatch,
  reconFailed,
  reconFinished,
  type ReconClaim,
  type ReconFileInput,
  type ReconSummary,
} from './recon-table';
import { KIND_COLUMN, migrate } from './schema';
import {
  claimDeliveries,
  settleDeliveries,
  type Delivery,
  type DeliveryResult,
} from './outbox-table';
import { FEED_TIMING as T } from './timing';

/** A webhook notification to record. */
export interface WebhookInput {
  kind: NotificationKind;
  notificationId: string;
  userAuthorizationId: string;
  receivedAt: number;
  /** Whether MERCHANT_WEBHOOK_URL is set: new events also go to the outbox. */
  forward: boolean;
}

/** What recording did: a duplicate changes nothing; `reread` hands this caller the re-read. */
export interface RecordOutcome {
  duplicate: boolean;
  eventId: string | null;
  reread: boolean;
}

/** A re-read's result: PayPay's answer about the user, or why there was none. */
export type RereadResult = ({ standing: Standing } | { error: string }) & {
  /** PayPay's X-REQUEST-ID of the read, kept with its outcome for support. */
  paypayRequestId: string | null;
};

/** One re-read handed out: whom to read, and when the lease began. */
export interface RereadClaim {
  userAuthorizationId: string;
  startedAt: number;
}

/** Fields an appended event carries besides its type. */
export interface Append {
  type: FeedEvent['type'];
  kind?: NotificationKind | null;
  uaid?: string | null;
  occurredAt: number;
  source: FeedEvent['source'];
  notificationId?: string | null;
  dedupeKey?: string | null;
  data?: Record<string, unknown>;
}

/**
 * The merchant event feed, and everything that must be exact about webhooks:
 * ONE object (named "feed") with SQLite storage. Each notification id is
 * recorded once (a UNIQUE column), each event gets the next `seq` (the cursor),
 * and each user's state is merged here before KV gets a copy. KV alone cannot
 * do this: its `list` is eventually consistent and concurrent read-modify-write
 * of a key loses updates.
 */
export class EventFeed extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private flushing: Promise<number> | null = null;
  /** The alarm this instance set and that has not fired: saves two storage calls per webhook. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql);
  }

  /** Records a KYC / risk / account-status notification; durable when this returns. */
  async record(input: WebhookInput): Promise<RecordOutcome> {
    const now = input.receivedAt;
    const seq = this.append(
      {
        type: WEBHOOK_EVENT_TYPES[input.kind],
        kind: input.kind,
        uaid: input.userAuthorizationId,
        occurredAt: now,
        source: 'webhook',
        notificationId: input.notificationId,
      },
      input.forward,
    );
    if (seq === null) return { duplicate: true, eventId: null, reread: false };
    this.mergeChange(input.userAuthorizationId, input.kind, now, 'webhook', now);
    const reread = this.claimReread(input.userAuthorizationId, now);
    await this.scheduleFlush(now);
    return { duplicate: false, eventId: `ev_${seq}`, reread };
  }

  /** Records a `file.created` notification; a refused path is reported lost at once. */
  async recordRecon(
    input: ReconFileInput,
  ): Promise<{ duplicate: boolean; claim: ReconClaim | null }> {
    return recordReconFile(this.sql, input, (e) => this.append(e, input.forward));
  }

  /** Recon files whose next download attempt is due; those past PayPay's window are reported lost. */
  async dueRecon(now: number, limit: number, forward: boolean): Promise<ReconClaim[]> {
    return claimDueRecon(this.sql, now, limit, (e) => this.append(e, forward));
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
    forward: boolean,
  ): Promise<{ missed: number }> {
    const missed = reconBatch(this.sql, notificationId, offset, ids, now, {
      append: (e) => this.append(e, forward),
      merge: (uaid, kind, at) => this.mergeChange(uaid, kind, at, 'recon', now),
    });
    await this.scheduleFlush(now);
    return { missed };
  }

  /** A recon file fully processed. */
  async reconFinished(notificationId: string, summary: ReconSummary, now: number): Promise<void> {
    reconFinished(this.sql, notificationId, summary, now);
  }

  /** A failed download or unusable file: retried later, or reported lost once the window closed. */
  async reconFailed(
    notificationId: string,
    reason: string,
    now: number,
    forward: boolean,
  ): Promise<'retry' | 'lost'> {
    return reconFailed(this.sql, notificationId, reason, now, (e) => this.append(e, forward));
  }

  /** Events after `after`, oldest first, and the cursor after the last of them. */
  async page(after: number, limit: number): Promise<{ events: FeedEvent[]; cursor: number }> {
    const rows = this.sql
      .exec<EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?', after, limit)
      .toArray();
    return { events: rows.map(eventOf), cursor: rows.at(-1)?.seq ?? after };
  }

  /** Users whose re-read is due and not taken, each leased to the caller. */
  async dueRereads(now: number, limit: number): Promise<RereadClaim[]> {
    const rows = this.sql
      .exec<{ uaid: string }>(
        `SELECT uaid FROM users WHERE reread_due_at <= ?
           AND (reread_lease_until IS NULL OR reread_lease_until < ?)
         ORDER BY reread_due_at LIMIT ?`,
        now,
        now,
        limit,
      )
      .toArray();
    return rows
      .filter((row) => this.claimReread(row.uaid, now))
      .map((row) => ({ userAuthorizationId: row.uaid, startedAt: now }));
  }

  /** Stores a re-read's answer; a changed standing becomes a `standing.changed` event. */
  async recordStanding(
    claim: RereadClaim,
    result: RereadResult,
    now: number,
    forward: boolean,
  ): Promise<void> {
    const row = this.sql
      .exec<{
        standing: string | null;
        hinted_at: number | null;
        reread_failures: number;
      }>(
        'SELECT standing, hinted_at, reread_failures FROM users WHERE uaid = ?',
        claim.userAuthorizationId,
      )
      .toArray()[0];
    if (!row) return;
    if ('error' in result) {
      const failures = row.reread_failures + 1;
      const backoff = Math.min(T.rereadRetryBaseMs * 2 ** (failures - 1), T.rereadRetryMaxMs);
      this.sql.exec(
        `UPDATE users SET reread_failures = ?, reread_error = ?, reread_request_id = ?,
           reread_due_at = ?, reread_lease_until = NULL, version = version + 1, updated_at = ?
         WHERE uaid = ?`,
        failures,
        result.error,
        result.paypayRequestId,
        now + backoff,
        now,
        claim.userAuthorizationId,
      );
    } else {
      // A hint that arrived while PayPay was being read may not be in its answer yet.
      const hintedSince = (row.hinted_at ?? 0) > claim.startedAt;
      const changed =
        row.standing !== result.standing && (row.standing !== null || result.standing !== 'OK');
      this.sql.exec(
        `UPDATE users SET standing = ?, standing_checked_at = ?, standing_request_id = ?,
           standing_changed_at = CASE WHEN standing IS ? THEN standing_changed_at ELSE ? END,
           reread_due_at = ?, reread_lease_until = NULL, reread_failures = 0, reread_error = NULL,
           reread_request_id = NULL, version = version + 1, updated_at = ? WHERE uaid = ?`,
        result.standing,
        now,
        result.paypayRequestId,
        result.standing,
        now,
        hintedSince ? claim.startedAt + T.rereadMinIntervalMs : null,
        now,
        claim.userAuthorizationId,
      );
      if (changed) {
        this.append(
          {
            type: 'standing.changed',
            uaid: claim.userAuthorizationId,
            occurredAt: now,
            source: 'paypay',
            data: {
              standing: result.standing,
              previousStanding: row.standing,
              ...(result.paypayRequestId !== null
                ? { paypayRequestId: result.paypayRequestId }
                : {}),
            },
          },
          forward,
        );
      }
    }
    await this.scheduleFlush(now);
  }

  /** Outbox entries due for forwarding, leased to the caller. */
  async dueDeliveries(now: number, limit: number): Promise<Delivery[]> {
    return claimDeliveries(this.sql, now, limit);
  }

  /** Outcomes of forwarding attempts: delivered ones leave the outbox, others back off. */
  async settleDeliveries(results: DeliveryResult[], now: number): Promise<void> {
    settleDeliveries(this.sql, results, now);
  }

  /**
   * Copies changed users to KV: one writer, one write per user at a time and at
   * most one per second per key, as KV allows. Returns how many stay unwritten.
   */
  async flush(): Promise<number> {
    while (this.flushing) await this.flushing;
    this.flushing = this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /**
   * Arms the alarm when users wait for their KV copy (the cron trigger's
   * backstop: the copy itself runs in the alarm, not in the cron invocation).
   */
  async kickFlush(): Promise<number> {
    const waiting = this.sql
      .exec<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE version > kv_version')
      .one();
    if (waiting.n > 0) await this.armAlarm(Date.now());
    return waiting.n;
  }

  /** Deletes feed events and recon files older than their retention. */
  async prune(now: number): Promise<void> {
    const before = now - T.eventRetentionMs;
    this.sql.exec(
      'DELETE FROM outbox WHERE seq IN (SELECT seq FROM events WHERE occurred_at < ? LIMIT 10000)',
      before,
    );
    this.sql.exec(
      'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE occurred_at < ? LIMIT 10000)',
      before,
    );
    this.sql.exec(
      "DELETE FROM recon_files WHERE state <> 'pending' AND received_at < ?",
      now - T.reconRetentionMs,
    );
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.flush();
  }

  private async flushOnce(): Promise<number> {
    const deadline = Date.now() + T.flushBudgetMs;
    for (;;) {
      const now = Date.now();
      const batch = this.sql
        .exec<{ uaid: string; version: number }>(
          `SELECT uaid, version FROM users WHERE version > kv_version AND kv_written_at <= ?
           ORDER BY kv_written_at LIMIT ?`,
          now - T.kvWriteGapMs,
          T.flushBatch,
        )
        .toArray();
      if (batch.length === 0 || now > deadline) break;
      await Promise.all(
        batch.map(async ({ uaid, version }) => {
          await putUserState(this.env.KYC_KV, this.userState(uaid));
          this.sql.exec(
            'UPDATE users SET kv_version = MAX(kv_version, ?), kv_written_at = ? WHERE uaid = ?',
            version,
            Date.now(),
            uaid,
          );
        }),
      );
      // Let webhooks and feed reads in between batches: they must not wait for a big copy.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const waiting = this.sql
      .exec<{ n: number; next: number | null }>(
        'SELECT COUNT(*) AS n, MIN(kv_written_at) AS next FROM users WHERE version > kv_version',
      )
      .one();
    if (waiting.n > 0) await this.armAlarm((waiting.next ?? 0) + T.kvWriteGapMs);
    return waiting.n;
  }

  private userState(uaid: string) {
    const row = this.sql.exec<UserRow>('SELECT * FROM users WHERE uaid = ?', uaid).one();
    const recent = this.sql
      .exec<EventRow>(
        `SELECT * FROM events WHERE uaid = ? AND kind IS NOT NULL ORDER BY seq DESC LIMIT ?`,
        uaid,
        RECENT_PER_KIND * 3,
      )
      .toArray();
    return userStateOf(row, recent);
  }

  /** Appends one event unless its notification id or dedupe key is already there. */
  private append(event: Append, forward: boolean): number | null {
    const row = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id, dedupe_key, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq`,
        event.type,
        event.kind ?? null,
        event.uaid ?? null,
        event.occurredAt,
        event.source,
        event.notificationId ?? null,
        event.dedupeKey ?? null,
        JSON.stringify(event.data ?? {}),
      )
      .toArray()[0];
    if (!row) return null;
    if (forward) {
      this.sql.exec(
        'INSERT INTO outbox (seq, next_attempt_at) VALUES (?, ?)',
        row.seq,
        event.occurredAt,
      );
    }
    return row.seq;
  }

  /**
   * Merges one change into a user's state. Order does not matter: each kind
   * keeps its latest time (and the source of that latest), and counts add up.
   * Any change is a hint: PayPay's answer is re-read.
   */
  private mergeChange(
    uaid: string,
    kind: NotificationKind,
    at: number,
    source: 'webhook' | 'recon',
    now: number,
  ): void {
    const c = KIND_COLUMN[kind];
    this.sql.exec(
      'INSERT INTO users (uaid, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      uaid,
      now,
    );
    this.sql.exec(
      `UPDATE users SET
         ${c}_source = CASE WHEN ${c}_at IS NULL OR ? >= ${c}_at THEN ? ELSE ${c}_source END,
         ${c}_at = MAX(COALESCE(${c}_at, ?), ?),
         ${c}_count = ${c}_count + 1,
         version = version + 1, updated_at = ?
       WHERE uaid = ?`,
      at,
      source,
      at,
      at,
      now,
      uaid,
    );
    this.markRereadDue(uaid, now);
  }

  /** A hint arrived: a re-read is due now, or when the per-user throttle allows. */
  private markRereadDue(uaid: string, now: number): void {
    this.sql.exec(
      `UPDATE users SET hinted_at = ?,
         reread_due_at = COALESCE(reread_due_at,
           MAX(?, COALESCE(reread_started_at, 0) + ?)),
         version = version + 1
       WHERE uaid = ?`,
      now,
      now,
      T.rereadMinIntervalMs,
      uaid,
    );
  }

  /** Takes the user's re-read if it is due and nobody holds it. */
  private claimReread(uaid: string, now: number): boolean {
    const claimed = this.sql
      .exec<{ uaid: string }>(
        `UPDATE users SET reread_lease_until = ?, reread_started_at = ?
         WHERE uaid = ? AND reread_due_at <= ?
           AND (reread_lease_until IS NULL OR reread_lease_until < ?)
         RETURNING uaid`,
        now + T.rereadLeaseMs,
        now,
        uaid,
        now,
        now,
      )
      .toArray();
    return claimed.length > 0;
  }

  private async scheduleFlush(now: number): Promise<void> {
    await this.armAlarm(now + T.flushDelayMs);
  }

  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    } else {
      this.alarmAt = current;
    }
  }
}
