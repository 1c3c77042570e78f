import { metaValue, setMeta } from './meta-table';

/** What the object decides about the shard count it is configured with. */
export type ShardVerdict = 'ok' | 'record' | 'refused';

/**
 * The shard count check, pure: `recorded` (feed_meta, null before the first
 * use), `configured` (FEED_SHARDS of this object's env), and whether the
 * object already holds users or events. A recorded count must match. With
 * none recorded, an object holding data was set up as the single feed (shard
 * 0 of one, before counts were recorded): a count above 1 would send most of
 * its users' news to shards that do not hold them, so it is refused until
 * `POST /v1/feed/reshard` moves them; an empty object records the count.
 */
export function shardVerdict(
  recorded: number | null,
  configured: number,
  holdsData: boolean,
): ShardVerdict {
  if (recorded !== null) return recorded === configured ? 'ok' : 'refused';
  return holdsData && configured > 1 ? 'refused' : 'record';
}

/** The check's answer for `shardState`. */
export interface ShardState {
  recorded: number | null;
  configured: number;
  refused: boolean;
}

const KEY = 'shards';

/**
 * The check, run at the start of every RPC method but the reshard ones:
 * FEED_SHARDS changed on a deployment holding data makes every call throw
 * FEED_SHARDS_CHANGED rather than record a user's news in a shard that does
 * not hold the user. The recorded
 * count is read once an instance; FEED_SHARDS is read each time, from the
 * object's env.
 */
export class ShardGuard {
  /** undefined: not read yet. */
  private recorded: number | null | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly configured: () => number,
  ) {}

  /** Throws FEED_SHARDS_CHANGED unless the object may serve; records the count on first use. */
  check(): void {
    const configured = this.configured();
    if (this.recorded === configured) return;
    const verdict = this.verdict(configured);
    if (verdict === 'refused') throw new Error('FEED_SHARDS_CHANGED');
    if (verdict === 'record') this.set(configured);
  }

  /** Where the check stands, recording nothing. */
  state(): ShardState {
    const configured = this.configured();
    const verdict = this.verdict(configured);
    return { recorded: this.recorded ?? null, configured, refused: verdict === 'refused' };
  }

  /**
   * Records the configured count where first use would (nothing recorded, no
   * data yet), refusing nothing: a new shard receiving a reshard's users is
   * one of the count it is configured with.
   */
  adopt(): void {
    const configured = this.configured();
    if (this.recorded !== configured && this.verdict(configured) === 'record') this.set(configured);
  }

  /** Records `n` as this object's shard count (the reshard command, once users are moved). */
  set(n: number): void {
    setMeta(this.sql, KEY, String(n));
    this.recorded = n;
  }

  private verdict(configured: number): ShardVerdict {
    if (this.recorded === undefined) {
      const value = metaValue(this.sql, KEY);
      this.recorded = value === null ? null : Number(value);
    }
    const holdsData =
      this.recorded === null &&
      configured > 1 &&
      this.sql
        .exec<{ held: number }>(
          'SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM events) AS held',
        )
        .one().held === 1;
    return shardVerdict(this.recorded, configured, holdsData);
  }
}
