/**
 * Event ids are `ev_<seq>` and must differ across shards: a merchant drops an
 * id it has seen, and forwarding sends it as `webhook-id`. Rather than a
 * second id format, each shard numbers its events from its own range: shard
 * k (the object named `feed-<k>`) starts after k × 2^40, so ids stay unique
 * and numeric, each shard keeps its own order, and shard 0 (the object
 * deployed before sharding, named `feed`) keeps the ids it already gave out.
 * 2^40 events a shard, 64 shards, stay below 2^53 (exact in JavaScript).
 */
export const SEQ_RANGE = 2 ** 40;

/** The shard an object is, from its name: `feed` is 0, `feed-<k>` is k, anything else 0. */
export function shardIndexOfName(name: string | undefined): number {
  const match = /^feed-([1-9]\d?)$/.exec(name ?? '');
  return match === null ? 0 : Number(match[1]);
}

/**
 * Moves the `events` AUTOINCREMENT counter to the shard's range, once, before
 * its first event: a row inserted at the range's start and deleted again
 * leaves `sqlite_sequence` there (SQLite keeps the largest seq ever used).
 */
export function claimSeqRange(
  storage: Pick<DurableObjectStorage, 'sql' | 'transactionSync'>,
  shard: number,
): void {
  if (shard === 0) return;
  const start = shard * SEQ_RANGE;
  const { top } = storage.sql
    .exec<{ top: number | null }>('SELECT MAX(seq) AS top FROM events')
    .one();
  if (top !== null && top >= start) return;
  storage.transactionSync(() => {
    storage.sql.exec(
      `INSERT INTO events (seq, type, occurred_at, source) VALUES (?, 'seq.range', 0, 'feed')`,
      start,
    );
    storage.sql.exec('DELETE FROM events WHERE seq = ?', start);
  });
}
