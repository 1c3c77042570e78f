import type { FeedEvent, NotificationKind } from '../../shared/feed';

/**
 * The `events` table (created by worker/feed/migrations.ts): the feed,
 * append-only; `seq` is the cursor. A notification id, and a dedupe key for
 * events without one (recon misses), are each recorded once.
 */

/** One row of `events`. */
export type EventRow = {
  seq: number;
  type: string;
  kind: string | null;
  uaid: string | null;
  occurred_at: number;
  source: string;
  notification_id: string | null;
  data: string;
};

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

/** Inserts one event unless its notification id or dedupe key is already there. */
export function insertEvent(sql: SqlStorage, event: Append): number | null {
  const row = sql
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
  return row?.seq ?? null;
}

/** A webhook notification's event: the feed event of its kind, about its user. */
export interface NotificationEvent {
  type: FeedEvent['type'];
  kind: NotificationKind;
  uaid: string;
  occurredAt: number;
  notificationId: string;
}

/**
 * Inserts the events of a batch of notifications, in the order given, each
 * notification id once (`ON CONFLICT DO NOTHING` on it): one statement for the
 * batch, the rows handed to SQLite as one JSON array (`json_each`). The seq of
 * each event inserted, by notification id.
 */
export function insertNotifications(
  sql: SqlStorage,
  events: readonly NotificationEvent[],
): Map<string, number> {
  if (events.length === 0) return new Map();
  const rows = sql
    .exec<{ seq: number; notification_id: string }>(
      `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id)
       SELECT value ->> 'type', value ->> 'kind', value ->> 'uaid', value ->> 'occurredAt',
         'webhook', value ->> 'notificationId'
       FROM json_each(?) WHERE true ORDER BY key
       ON CONFLICT DO NOTHING RETURNING seq, notification_id`,
      JSON.stringify(events),
    )
    .toArray();
  return new Map(rows.map((row) => [row.notification_id, row.seq]));
}

/** Events after `after`, oldest first. */
export function eventsAfter(sql: SqlStorage, after: number, limit: number): EventRow[] {
  return sql
    .exec<EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?', after, limit)
    .toArray();
}

/** A user's most recent events of any notification kind, newest first. */
export function recentEventsOf(sql: SqlStorage, uaid: string, limit: number): EventRow[] {
  return sql
    .exec<EventRow>(
      'SELECT * FROM events WHERE uaid = ? AND kind IS NOT NULL ORDER BY seq DESC LIMIT ?',
      uaid,
      limit,
    )
    .toArray();
}

/** The recon misses of one batch, and where a webhook already covers an id. */
export interface MissBatch {
  kind: NotificationKind;
  occurredAt: number;
  /** `miss:<kind>:<from>:<to>:`, the id completes the dedupe key. */
  dedupePrefix: string;
  data: Record<string, unknown>;
  /** A webhook of `kind` about the id recorded in `[seenFrom, seenUntil)` covers it. */
  seenFrom: number;
  seenUntil: number;
}

/**
 * Appends a `recon.missed` for each id (in the order given) that no webhook of
 * the kind covers and that has no miss for the period yet (the dedupe key):
 * one statement for the whole batch. The events inserted, by seq and id.
 */
export function insertMisses(
  sql: SqlStorage,
  ids: readonly string[],
  batch: MissBatch,
): { seq: number; uaid: string }[] {
  if (ids.length === 0) return [];
  return sql
    .exec<{ seq: number; uaid: string }>(
      `INSERT INTO events (type, kind, uaid, occurred_at, source, dedupe_key, data)
       SELECT 'recon.missed', ?, j.value, ?, 'recon', ? || j.value, ?
       FROM json_each(?) AS j
       WHERE NOT EXISTS (
         SELECT 1 FROM events w WHERE w.uaid = j.value AND w.kind = ? AND w.source = 'webhook'
           AND w.occurred_at >= ? AND w.occurred_at < ?)
       ORDER BY j.key
       ON CONFLICT DO NOTHING RETURNING seq, uaid`,
      batch.kind,
      batch.occurredAt,
      batch.dedupePrefix,
      JSON.stringify(batch.data),
      JSON.stringify(ids),
      batch.kind,
      batch.seenFrom,
      batch.seenUntil,
    )
    .toArray();
}

/**
 * Deletes up to `limit` of the oldest events from before `before` (a share, so
 * a long backlog does not hold the object); their seqs, for their outbox rows
 * (`pruneOutbox`, in the same transaction).
 */
export function pruneEvents(sql: SqlStorage, before: number, limit: number): number[] {
  return sql
    .exec<{ seq: number }>(
      `DELETE FROM events WHERE seq IN
         (SELECT seq FROM events WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?)
       RETURNING seq`,
      before,
      limit,
    )
    .toArray()
    .map((row) => row.seq);
}
