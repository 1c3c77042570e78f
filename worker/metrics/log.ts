import { DurableObject } from 'cloudflare:workers';
import { COMPLETION_BUCKETS } from '../../shared/metrics';
import { ok, type Result } from '../../shared/result';
import { LazySchema } from '../feed/lazy-schema';
import type { Migration } from '../feed/migrations';

/**
 * The metrics log's schema (the feed's `migrate`, the same ledger). A row is
 * an hour's count of one `name:label` or of one histogram bucket: names and
 * counts only, never an id or anything about a person.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'hourly counters and completion histogram',
    statements: [
      `CREATE TABLE counts (
    hour INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (hour, name)
  ) WITHOUT ROWID`,
      `CREATE TABLE completions (
    hour INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (hour, bucket)
  ) WITHOUT ROWID`,
    ],
  },
];

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How long an hour's counts are kept (issue 24): a year and a month of history. */
export const RETENTION_MS = 400 * DAY_MS;

/** One increment: a counter's `name:label` (or bare name) and by how much. */
export type Increment = readonly [name: string, by: number];

/** An hour's count, as `read` answers it. */
export interface CountRow {
  hour: number;
  name: string;
  value: number;
}

/** An hour's count of one histogram bucket (an index into COMPLETION_BUCKETS, its length for +Inf). */
export interface CompletionRow {
  hour: number;
  bucket: number;
  value: number;
}

/** The start (epoch ms) of the hour `at` falls in. */
export function hourOf(at: number): number {
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}

/** The histogram bucket of a creation-to-completion time. */
export function bucketOf(seconds: number): number {
  const index = COMPLETION_BUCKETS.findIndex((bound) => seconds <= bound);
  return index === -1 ? COMPLETION_BUCKETS.length : index;
}

/**
 * The deployment's counters: one object (`metrics`), SQLite, hourly buckets
 * upserted as things happen and read by `GET /v1/metrics`. One object keeps a
 * read to one call; its writes are one small upsert per counted event,
 * batched where a caller counts many.
 */
export class MetricsLog extends DurableObject<Env> {
  private readonly tables = new LazySchema(this.ctx.storage, MIGRATIONS, 'counts');

  /** Adds increments and completion times (seconds) to the hour of `at`. */
  async add(
    at: number,
    increments: readonly Increment[],
    completions: readonly number[] = [],
  ): Promise<Result<true, never>> {
    const sql = this.tables.sql();
    const hour = hourOf(at);
    this.ctx.storage.transactionSync(() => {
      for (const [name, by] of increments) {
        if (!(by > 0)) continue;
        sql.exec(
          `INSERT INTO counts (hour, name, value) VALUES (?, ?, ?)
           ON CONFLICT (hour, name) DO UPDATE SET value = value + excluded.value`,
          hour,
          name,
          by,
        );
      }
      for (const seconds of completions) {
        sql.exec(
          `INSERT INTO completions (hour, bucket, value) VALUES (?, ?, 1)
           ON CONFLICT (hour, bucket) DO UPDATE SET value = value + 1`,
          hour,
          bucketOf(seconds),
        );
      }
    });
    // Retention runs daily once anything was counted.
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
    return ok(true);
  }

  /** The hours in [from, to): their counts and histogram buckets. */
  async read(
    from: number,
    to: number,
  ): Promise<Result<{ counts: CountRow[]; completions: CompletionRow[] }, never>> {
    if (!this.tables.exists()) return ok({ counts: [], completions: [] });
    const sql = this.ctx.storage.sql;
    const counts = sql
      .exec<CountRow & Record<string, SqlStorageValue>>(
        'SELECT hour, name, value FROM counts WHERE hour >= ? AND hour < ? ORDER BY hour',
        from,
        to,
      )
      .toArray()
      .map(({ hour, name, value }) => ({ hour, name, value }));
    const completions = sql
      .exec<CompletionRow & Record<string, SqlStorageValue>>(
        'SELECT hour, bucket, value FROM completions WHERE hour >= ? AND hour < ? ORDER BY hour',
        from,
        to,
      )
      .toArray()
      .map(({ hour, bucket, value }) => ({ hour, bucket, value }));
    return ok({ counts, completions });
  }

  /** Retention: hours older than 400 days go, once a day. */
  override async alarm(): Promise<void> {
    if (!this.tables.exists()) return;
    const before = Date.now() - RETENTION_MS;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM counts WHERE hour < ?', before);
      sql.exec('DELETE FROM completions WHERE hour < ?', before);
    });
    await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
  }
}
