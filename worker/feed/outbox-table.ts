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

/** One outbox entry as `GET /v1/deliveries` lists it. */
export interface DeliveryRow {
  seq: number;
  type: string;
  state: 'pending' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  occurredAt: number;
}

/** Outbox entries in `state` (both when null), oldest event first, and how many there are. */
export function listDeliveries(
  sql: SqlStorage,
  state: 'pending' | 'failed' | null,
  limit: number,
): { rows: DeliveryRow[]; count: number } {
  const rows = sql
    .exec<{
      seq: number;
      type: string;
      state: 'pending' | 'failed';
      attempts: number;
      last_error: string | null;
      last_status: number | null;
      next_attempt_at: number;
      occurred_at: number;
    }>(
      `SELECT o.seq, e.type, o.state, o.attempts, o.last_error, o.last_status, o.next_attempt_at,
         e.occurred_at FROM outbox o JOIN events e ON e.seq = o.seq
       WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.seq LIMIT ?2`,
      state,
      limit,
    )
    .toArray();
  const { n } = sql
    .exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE ?1 IS NULL OR state = ?1', state)
    .one();
  return {
    count: n,
    rows: rows.map((row) => ({
      seq: row.seq,
      type: row.type,
      state: row.state,
      attempts: row.attempts,
      // A receiver's answer is kept as its status, a failure to reach it as the error's name.
      lastError: row.last_error ?? (row.last_status !== null ? `HTTP ${row.last_status}` : null),
      nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
      occurredAt: row.occurred_at,
    })),
  };
}

/**
 * Puts the event at `seq` back in the outbox, due at `now`, whatever became of
 * it (delivered rows are gone, failed ones given up): one row per event, so
 * asking twice still sends it once. An entry leased to a send under way is
 * left to that send. False when the feed has no such event.
 */
export function resendDelivery(sql: SqlStorage, seq: number, now: number): boolean {
  if (sql.exec('SELECT 1 FROM events WHERE seq = ?', seq).toArray().length === 0) return false;
  sql.exec(
    `INSERT INTO outbox (seq, next_attempt_at) VALUES (?1, ?2)
     ON CONFLICT (seq) DO UPDATE SET state = 'pending', next_attempt_at = ?2
       WHERE lease_until IS NULL OR lease_until < ?2`,
    seq,
    now,
  );
  return true;
}
