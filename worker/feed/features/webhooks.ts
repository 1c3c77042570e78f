import { WEBHOOK_EVENT_TYPES, type NotificationKind } from '../../../shared/feed';
import type { Appender } from '../appender';
import { claimBatch, type RereadCandidate } from '../confirmation';
import { forgettingAmong } from '../forget-table';
import { eventId } from '../format';
import { mergeBatch, rereadClaimable } from '../users-table';

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

const DROPPED: Recorded = { duplicate: false, dropped: true, eventId: null, reread: false };
const DUPLICATE: Recorded = { duplicate: true, eventId: null, reread: false };

/** The KYC / risk / account-status notifications: each recorded once, its user's state merged. */
export class Webhooks {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /**
   * Records a batch of notifications as recording them one by one, in order,
   * would (a second item with an id seen before, in the batch or earlier, is a
   * duplicate), in a handful of set-based statements whatever the batch's
   * size: the forget check, the events, their outbox rows, the users' merge,
   * and only when a re-read can be handed out, the budget, the claims and
   * their spending. A user gets at most one re-read a batch, on its first item
   * at whose time the re-read is due and free: one by one, the lease taken
   * there refuses the user's later items (all but those 30 s later or more,
   * which a batch does not span). Call inside `transactionSync`.
   */
  recordBatch(items: readonly WebhookInput[], defaultBudget: number): Recorded[] {
    if (items.length === 0) return [];
    const dropped = forgettingAmong(
      this.sql,
      items.map((item) => item.userAuthorizationId),
    );
    const kept = items.filter((item) => !dropped.has(item.userAuthorizationId));
    const seqs = this.append.notifications(
      kept.map((item) => ({
        type: WEBHOOK_EVENT_TYPES[item.kind],
        kind: item.kind,
        uaid: item.userAuthorizationId,
        occurredAt: item.receivedAt,
        notificationId: item.notificationId,
      })),
    );
    // The first item of an id inserted is the new one; any later one a duplicate.
    const news: { item: WebhookInput; index: number }[] = [];
    const recorded = items.map((item, index): Recorded => {
      if (dropped.has(item.userAuthorizationId)) return DROPPED;
      const seq = seqs.get(item.notificationId);
      if (seq === undefined) return DUPLICATE;
      seqs.delete(item.notificationId);
      news.push({ item, index });
      return { duplicate: false, eventId: eventId(seq), reread: false };
    });
    const users = mergeBatch(
      this.sql,
      news.map(({ item }) => ({
        uaid: item.userAuthorizationId,
        kind: item.kind,
        at: item.receivedAt,
        source: 'webhook',
        now: item.receivedAt,
      })),
    );
    const candidates = new Map<string, RereadCandidate & { index: number }>();
    for (const { item, index } of news) {
      const uaid = item.userAuthorizationId;
      const user = users.get(uaid);
      if (!user || candidates.has(uaid) || !rereadClaimable(user, item.receivedAt)) continue;
      const confirmed = user.confirmed_at !== null;
      candidates.set(uaid, { uaid, at: item.receivedAt, confirmed, index });
    }
    // The items come from one deployment's receivers: the first one's budget is the batch's.
    const budget = items[0]?.unconfirmedBudget ?? defaultBudget;
    const claimed = claimBatch(this.sql, [...candidates.values()], budget);
    for (const { uaid, index } of candidates.values()) {
      if (claimed.has(uaid)) recorded[index] = { ...recorded[index]!, reread: true };
    }
    return recorded;
  }
}

/** When a batch's KV copies are due from: its latest new item (none: nothing to copy). */
export function copyFrom(
  items: readonly WebhookInput[],
  recorded: readonly Recorded[],
): number | null {
  const times = items.filter((_, i) => !recorded[i]!.duplicate).map((item) => item.receivedAt);
  return times.length === 0 ? null : Math.max(...times);
}
