import type { FeedEvent } from '../../shared/feed';
import type { EventRow } from './events-table';
import { eventOf } from './format';
import { FEED_TIMING as T } from './timing';

/**
 * The `outbox` table (worker/feed/migrations.ts): forwarding to
 * MERCHANT_WEBHOOK_URL, one row per event still to deliver.
 */

/** One event to forward, leased to the caller. */
export interface Delivery {
  seq: number;
  attempt: number;
  event: FeedEvent;
}

/** How one forwarding attempt went. */
export interface DeliveryTry {
  seq: number;
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Queues the event at `seq` for forwarding, due at once. */
export function enqueue(sql: SqlStorage, seq: number, at: number): void {
  sql.exec('INSERT INTO outbox (seq, next_attempt_at) VALUES (?, ?)', seq, at);
}

/** Queues the events at `seqs` for forwarding, due at once: one statement. */
export function enqueueMany(sql: SqlStorage, seqs: readonly number[], at: number): void {
  if (seqs.length === 0) return;
  sql.exec(
    'INSERT INTO outbox (seq, next_attempt_at) SELECT value, ? FROM json_each(?)',
    at,
    JSON.stringify(seqs),
  );
}

/** Drops the entries of the events `pruneEvents` deleted. */
export function pruneOutbox(sql: SqlStorage, seqs: readonly number[]): void {
  if (seqs.length === 0) return;
  sql.exec(
    'DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))',
    JSON.stringify(seqs),
  );
}

/** Due outbox entries, oldest first, leased so two callers do not send the same one at once. */
export function claimDeliveries(sql: SqlStorage, now: number, limit: number): Delivery[] {
  const rows = sql
    .exec<EventRow & { attempts: number }>(
      `SELECT e.*, o.attempts AS attempts FROM outbox o JOIN events e ON e.seq = o.seq
       WHERE o.state = 'pending' AND o.next_attempt_at <= ?
         AND (o.lease_until IS NULL OR o.lease_until < ?)
       ORDER BY o.seq LIMIT ?`,
      now,
      now,
      limit,
    )
    .toArray();
  for (const row of rows) {
    sql.exec(
      'UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE seq = ?',
      now + T.forwardLeaseMs,
      row.seq,
    );
  }
  return rows.map((row) => ({ seq: row.seq, attempt: row.attempts + 1, event: eventOf(row) }));
}

/** Delivered entries leave the outbox; failed ones back off, and are given up after 3 days. */
export function settleDeliveries(sql: SqlStorage, tries: DeliveryTry[], now: number): void {
  for (const attempt of tries) {
    if (attempt.ok) {
      sql.exec('DELETE FROM outbox WHERE seq = ?', attempt.seq);
      continue;
    }
    const row = sql
      .exec<{ attempts: number; occurred_at: number }>(
        'SELECT o.attempts, e.occurred_at FROM outbox o JOIN events e ON e.seq = o.seq WHERE o.seq = ?',
        attempt.seq,
      )
      .toArray()[0];
    if (!row) continue;
    const giveUp = now - row.occurred_at >= T.forwardGiveUpMs;
    const backoff = Math.min(
      T.forwardRetryBaseMs * 2 ** Math.max(0, row.attempts - 1),
      T.forwardRetryMaxMs,
    );
    // Jitter: receivers that came back up are not hit by every retry at once.
    const jitter = Math.floor(Math.random() * (backoff / 5));
    sql.exec(
      `UPDATE outbox SET state = ?, next_attempt_at = ?, lease_until = NULL, last_status = ?,
         last_error = ? WHERE seq = ?`,
      giveUp ? 'failed' : 'pending',
      now + backoff + jitter,
      attempt.status,
      attempt.error,
      attempt.seq,
    );
  }
}
