import type { Appender } from '../appender';

/** A message the ingest queue gave up on: its id, body (the notification) and deliveries. */
export type DeadLetter = {
  id: string;
  body: string;
  attempts: number;
};

/**
 * The ingest queue's dead letters, parked on the home shard (`dead_letters`,
 * migration v6) until an operator replays or drops them: a notification
 * answered 200 is never lost, even when recording it kept failing. Each
 * method is one change: call inside `transactionSync`.
 */
export class DeadLetters {
  constructor(
    private readonly sql: SqlStorage,
    private readonly append: Appender,
  ) {}

  /**
   * Parks the letters not parked yet (by id: a dead-letter batch delivered
   * twice parks each once) and, when any is new, appends one
   * `ingest.dead_lettered` with their count and no user, so the merchant's
   * feed says something waits. How many were new.
   */
  park(letters: readonly DeadLetter[], now: number): { parked: number } {
    if (letters.length === 0) return { parked: 0 };
    const parked = this.sql
      .exec(
        `INSERT INTO dead_letters (id, body, attempts, parked_at)
         SELECT value ->> 'id', value ->> 'body', value ->> 'attempts', ? FROM json_each(?)
         WHERE true ORDER BY key
         ON CONFLICT DO NOTHING RETURNING id`,
        now,
        JSON.stringify(letters.map(({ id, body, attempts }) => ({ id, body, attempts }))),
      )
      .toArray().length;
    if (parked > 0) {
      this.append.event({
        type: 'ingest.dead_lettered',
        occurredAt: now,
        source: 'webhook',
        data: { count: parked },
      });
    }
    return { parked };
  }

  /** The oldest parked letters first. */
  list(limit: number): (DeadLetter & { parkedAt: number })[] {
    return this.sql
      .exec<DeadLetter & { parkedAt: number }>(
        `SELECT id, body, attempts, parked_at AS parkedAt FROM dead_letters
         ORDER BY parked_at, id LIMIT ?`,
        limit,
      )
      .toArray();
  }

  /** Removes letters (replayed, or dropped by the operator): how many were there. */
  remove(ids: readonly string[]): number {
    if (ids.length === 0) return 0;
    return this.sql
      .exec(
        'DELETE FROM dead_letters WHERE id IN (SELECT value FROM json_each(?)) RETURNING id',
        JSON.stringify(ids),
      )
      .toArray().length;
  }

  /** How many letters are parked. */
  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters').one().n;
  }
}
