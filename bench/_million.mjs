// The million-id day's counts (bench/06-scale.mjs), read from the stopped
// stack's feed databases, however many shards there are: nothing lost, nothing
// doubled, and the bytes each shard keeps.
import { databaseBytes } from './05-recon.mjs';
import { feedDatabases, identifyShards, openAll, readDatabase } from './_feed.mjs';

/** The half-open range of ids starting with `prefix`, for the UNIQUE index on notification_id. */
const range = (prefix) => [
  prefix,
  prefix.slice(0, -1) + String.fromCharCode(prefix.at(-1).charCodeAt(0) + 1),
];

/** Webhooks of `prefix` recorded so far, summed over every feed database (the Worker may be running). */
export async function recordedAcross(persistTo, prefix) {
  let n = 0;
  for (const file of feedDatabases(persistTo)) {
    n += await readDatabase(
      file,
      (db) =>
        db
          .prepare(
            'SELECT COUNT(*) AS n FROM events WHERE notification_id >= ? AND notification_id < ?',
          )
          .get(...range(prefix)).n,
    ).catch(() => 0);
  }
  return n;
}

/**
 * Every check of the day, across all shards' databases: each id of the file
 * one `recon.missed` or seen by a kyc webhook, none missed twice, none missed
 * although a webhook had named it first, the ids notified before the file never
 * missed, every webhook recorded once, every user in one shard only.
 * @param {{ persistTo: string, shards: number, prefix: string, ids: number, seenEvery: number,
 *   burst: { prefix: string, count: number }, pre: { prefix: string, count: number },
 *   notificationId: string }} day
 */
export async function checkDay(day) {
  const files = feedDatabases(day.persistTo);
  const db = await openAll(files);
  try {
    const one = (query, ...params) => db.prepare(query).get(...params);
    const like = `${day.prefix}%`;
    // The number after the prefix: the id's line in the file.
    const line = `CAST(substr(uaid, ${day.prefix.length + 1}) AS INTEGER)`;
    const misses = one(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT uaid) AS ids FROM events WHERE type = 'recon.missed' AND uaid LIKE ?",
      like,
    );
    const twice = one(
      `SELECT COUNT(*) AS n FROM (SELECT uaid FROM events WHERE type = 'recon.missed' AND uaid LIKE ?
         GROUP BY uaid HAVING COUNT(*) > 1)`,
      like,
    ).n;
    // A miss recorded although a webhook of its kind was already there (seq: within a shard).
    let missedThoughSeen = 0;
    for (let i = 0; i < files.length; i++) {
      missedThoughSeen += one(
        `SELECT COUNT(*) AS n FROM s${i}.events m WHERE m.type = 'recon.missed' AND m.uaid LIKE ?
           AND EXISTS (SELECT 1 FROM s${i}.events w WHERE w.uaid = m.uaid AND w.kind = 'kyc'
                         AND w.source = 'webhook' AND w.seq < m.seq)`,
        like,
      ).n;
    }
    // Every id of the file (lines 0 to ids - 1): missed, or seen by a kyc webhook.
    const accounted = one(
      `SELECT COUNT(DISTINCT uaid) AS n FROM events WHERE uaid LIKE ? AND ${line} < ?
         AND (type = 'recon.missed' OR (kind = 'kyc' AND source = 'webhook'))`,
      like,
      day.ids,
    ).n;
    const seenMissed = one(
      `SELECT COUNT(*) AS n FROM events WHERE type = 'recon.missed' AND uaid LIKE ? AND ${line} % ? = 0`,
      like,
      day.seenEvery,
    ).n;
    const recorded = (prefix) =>
      one(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT notification_id) AS ids FROM events
         WHERE notification_id >= ? AND notification_id < ?`,
        ...range(prefix),
      );
    const burst = recorded(day.burst.prefix);
    const pre = recorded(day.pre.prefix);
    const users = one('SELECT COUNT(*) AS n, COUNT(DISTINCT uaid) AS ids FROM users');
    // A user's events in two shards: routing that changed its mind.
    const split = one(
      `SELECT COUNT(*) AS n FROM (SELECT uaid FROM events WHERE uaid LIKE ?
         GROUP BY uaid HAVING COUNT(DISTINCT shard) > 1)`,
      like,
    ).n;
    const recon =
      one(
        'SELECT state, ids_total, missed FROM recon_files WHERE notification_id = ?',
        day.notificationId,
      ) ?? {};
    const ok =
      twice === 0 &&
      missedThoughSeen === 0 &&
      accounted === day.ids &&
      seenMissed === 0 &&
      misses.n === recon.missed &&
      recon.ids_total === day.ids &&
      burst.n === day.burst.count &&
      burst.ids === day.burst.count &&
      pre.n === day.pre.count &&
      users.n === users.ids &&
      split === 0;
    return {
      ok,
      lines: [
        `nothing lost or doubled: ${ok ? 'yes' : 'NO'}. ${misses.n} recon.missed for ${misses.ids} ids, none twice (${twice}), none for an id a webhook had named first (${missedThoughSeen}); ${accounted} of ${day.ids} ids missed or seen; the ${day.pre.count} ids notified before the file: ${seenMissed} missed; ${day.ids - misses.n - day.pre.count} ids seen by the burst before their batch`,
        `  burst: ${burst.n} of ${day.burst.count} webhooks recorded, ${burst.ids} distinct; the earlier ${pre.n} of ${day.pre.count} too; users: ${users.n} rows for ${users.ids} ids, ${split} of the file's ids in two shards; file ${recon.state}, ${recon.ids_total} ids, ${recon.missed} missed (${files.length} database${files.length === 1 ? '' : 's'} read)`,
      ],
    };
  } finally {
    db.close();
  }
}

/**
 * Each shard's database and its bytes, the shard told by its users. With fewer
 * databases than shards, or one holding users of several shards, the Worker
 * did not shard: said so, and the bytes are those of what there is.
 */
export async function bytesPerShard(persistTo, shards) {
  const found = await identifyShards(feedDatabases(persistTo), shards);
  const out = [];
  for (const db of found) out.push({ ...db, bytes: await databaseBytes(db.file) });
  const sharded =
    shards === 1 ||
    (found.length === shards &&
      new Set(found.map((d) => d.shard)).size === shards &&
      !found.some((d) => d.shard === null));
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
  const lines = out.map(
    (d) =>
      `  shard ${d.shard ?? `? (users of shards ${d.usersOfShards.join(',')})`}: ${mb(d.bytes.total)}, ${d.bytes.events} events, ${d.bytes.users} users (events ${mb(d.bytes.tables.events ?? 0)}, users ${mb(d.bytes.tables.users ?? 0)})${d.reconFiles > 0 ? `, ${d.reconFiles} recon file` : ''}`,
  );
  if (!sharded) {
    lines.unshift(
      `  FEED_SHARDS=${shards} asked, ${found.length} feed database${found.length === 1 ? '' : 's'} found: this Worker did not shard`,
    );
  }
  return { lines, totals: out.map((d) => d.bytes.total), sharded };
}
