import {
  insertEvent,
  insertMisses,
  insertNotifications,
  pruneEvents,
  type Append,
  type MissBatch,
  type NotificationEvent,
} from './events-table';
import { enqueue, enqueueMany, pruneOutbox } from './outbox-table';

/**
 * What every append to the feed needs, in one object: the `events` insert (a
 * notification id or dedupe key is recorded once), the outbox row of each new
 * event while MERCHANT_WEBHOOK_URL is set, and the events' retention with
 * their outbox rows. The feature modules take it rather than a callback each,
 * so none can append an event and forget its forwarding. It runs inside the
 * caller's transaction.
 */
export class Appender {
  constructor(
    private readonly sql: SqlStorage,
    /** Whether new events are forwarded: read per append, from the object's own settings. */
    private readonly forwarding: () => boolean,
  ) {}

  /** One event unless its notification id or dedupe key is there already: its seq, or null. */
  event(event: Append): number | null {
    const seq = insertEvent(this.sql, event);
    if (seq !== null && this.forwarding()) enqueue(this.sql, seq, event.occurredAt);
    return seq;
  }

  /** A batch of notifications' events, each id once: the seq of each inserted, by notification id. */
  notifications(events: readonly NotificationEvent[]): Map<string, number> {
    const seqs = insertNotifications(this.sql, events);
    if (seqs.size > 0 && this.forwarding()) {
      const due = Math.min(...events.map((event) => event.occurredAt));
      enqueueMany(this.sql, [...seqs.values()], due);
    }
    return seqs;
  }

  /** A recon batch's `recon.missed` events (see `insertMisses`): those inserted, by seq and id. */
  misses(ids: readonly string[], batch: MissBatch): { seq: number; uaid: string }[] {
    const inserted = insertMisses(this.sql, ids, batch);
    if (this.forwarding()) {
      enqueueMany(
        this.sql,
        inserted.map((row) => row.seq),
        batch.occurredAt,
      );
    }
    return inserted;
  }

  /**
   * Deletes up to `limit` of the oldest events from before `before`, with
   * their outbox rows (a share, so a long backlog does not hold the object):
   * how many went.
   */
  prune(before: number, limit: number): number {
    const seqs = pruneEvents(this.sql, before, limit);
    pruneOutbox(this.sql, seqs);
    return seqs.length;
  }
}
