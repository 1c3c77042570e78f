// A large merchant's day under `wrangler dev`: a 1,000,000-id recon file
// (UUID-length ids, about 37 MB, streamed by the sandbox as it is made) while a
// burst of webhooks arrives, within one Worker invocation's limits at a time
// and one feed object. Then the feed object's database is opened read-only to
// show that nothing was lost: every id of the file not seen by a webhook first
// is exactly one recon.missed, every webhook of the burst is recorded once.
// Not part of the test suite: `npm run bench -- 06` (about five minutes).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { getJson, pool, postNotification } from './_http.mjs';
import { feedDatabase } from './_seed.mjs';
import { databaseBytes, summary, webhookUrl } from './05-recon.mjs';
import { sandboxAdmin } from '../scripts/lib/sandbox-client.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

export const name = 'Scale: a 1,000,000-id recon file and a webhook burst at once (wrangler dev)';

const IDS = Number(process.env.BENCH_SCALE_IDS ?? 1_000_000);
/** File ids notified by webhook before the file: seen, so never missed. */
const SEEN_EVERY = 500;
/** Webhooks sent while the file is processed: half about other users, half about ids late in the file. */
const BURST = Number(process.env.BENCH_SCALE_BURST ?? 5_000);
const IN_FLIGHT = 50;
const JST_MS = 9 * 3_600_000;

/** One notification, sent again up to 5 times when it fails, as PayPay does. */
const webhook = (stack, kind, id, uaid) =>
  postNotification(webhookUrl(stack, kind), kind, id, uaid, 5);

function jstToday() {
  return new Date(Date.now() + JST_MS).toISOString().slice(0, 10);
}

/** The feed's recon_files row, read from its database while the Worker runs (WAL readers are safe). */
async function reconRow(file, notificationId) {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(
        'SELECT state, processed, missed, lease_until, attempts, ids_total FROM recon_files WHERE notification_id = ?',
      )
      .get(notificationId);
  } finally {
    db.close();
  }
}

/** Resident memory (MB) of each workerd process: streaming keeps the Worker's flat. */
function workerdRss() {
  try {
    return execFileSync('ps', ['-C', 'workerd', '-o', 'rss='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => Math.round(Number(l) / 1024));
  } catch {
    return [];
  }
}

export async function run(log) {
  const persistTo = `.wrangler/bench-scale-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const stack = await startStack({
    demo: false,
    cron: true,
    log: () => {},
    persistTo,
  });
  const runId = Math.random().toString(36).slice(2, 8);
  // 29 characters + up to 7 digits: PayPay's ids are 36-character UUIDs.
  const prefix = `sc-${runId}-`.padEnd(29, 'x');
  const fileId = (n) => `${prefix}${n}`;
  let stopped = false;
  try {
    const auth = { Authorization: `Bearer ${stack.merchantApiToken}` };

    // Before the file: webhooks about 1 in SEEN_EVERY of its ids, during its day.
    const seen = [];
    for (let n = 0; n < IDS; n += SEEN_EVERY) seen.push(n);
    const seenStarted = performance.now();
    await pool(seen.length, IN_FLIGHT, (i) =>
      webhook(stack, 'kyc', `pre-${runId}-${seen[i]}`, fileId(seen[i])),
    );
    log(
      `before the file: ${seen.length} webhooks about ids it lists, ${(seen.length / ((performance.now() - seenStarted) / 1000)).toFixed(0)}/s`,
    );

    const today = jstToday();
    const started = performance.now();
    const created = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      generate: { prefix, count: IDS },
      period: { from: today, to: today },
    });
    const answer = created.body;
    if (answer?.deliveries?.[0]?.status !== 200) {
      throw new Error(`file.created answered ${JSON.stringify(answer?.deliveries)}`);
    }
    const notificationId = answer.notificationId;
    const feedFile = feedDatabase(persistTo);
    log(
      `file.created acknowledged in ${(performance.now() - started).toFixed(0)} ms (${IDS} ids, period ${today})`,
    );

    // While it is processed: the burst, a feed reader, and the cron when a share is used.
    const acks = [];
    const reads = [];
    const burst = Array.from({ length: BURST }, (_, i) =>
      i % 2 === 0
        ? {
            kind: ['kyc', 'risk', 'account-status'][i % 3],
            id: `burst-${runId}-${i}`,
            uaid: `other-${runId}-${i}`,
          }
        : { kind: 'kyc', id: `burst-${runId}-${i}`, uaid: fileId(IDS - 1 - i) },
    );
    const burstDone = pool(burst.length, IN_FLIGHT, async (i) => {
      acks.push(await webhook(stack, burst[i].kind, burst[i].id, burst[i].uaid));
    });
    const reader = (async () => {
      while (!stopped) {
        const t = performance.now();
        await getJson(`${stack.workerUrl}/v1/events?after=0&limit=100`, auth);
        reads.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const invocations = [];
    let segment = { from: 0, at: performance.now(), by: 'the notification (waitUntil)' };
    let cronFiring = null;
    let maxRss = [];
    let row;
    for (;;) {
      row = await reconRow(feedFile, notificationId);
      const rss = workerdRss();
      maxRss = rss.map((mb, i) => Math.max(mb, maxRss[i] ?? 0));
      if (row?.state === 'done') break;
      if (row?.state !== 'pending') throw new Error(`recon file ${JSON.stringify(row)}`);
      // Released (its share used): the next minute's cron, fired at once instead of waiting.
      if (row.lease_until === null && cronFiring === null) {
        invocations.push({ ...segment, to: row.processed, ms: performance.now() - segment.at });
        segment = { from: row.processed, at: performance.now(), by: 'a cron run' };
        cronFiring = stack.cron.fire().finally(() => (cronFiring = null));
      }
      if (performance.now() - started > 900_000) throw new Error('recon not done in 15 min');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    invocations.push({ ...segment, to: row.ids_total, ms: performance.now() - segment.at });
    await burstDone;
    stopped = true;
    await reader;
    log(
      `recon of ${IDS} ids: ${seconds.toFixed(1)} s from the notification to done (${(IDS / seconds).toFixed(0)} ids/s), ${row.missed} missed`,
    );
    for (const inv of invocations) {
      const ids = inv.to - inv.from;
      const limit = inv.by.startsWith('the notification') ? '20 s' : '4 min';
      log(
        `  ${inv.by}: ids ${inv.from}-${inv.to} in ${(inv.ms / 1000).toFixed(1)} s, ${Math.ceil(ids / 2000)} batch calls + 1 download (its share: ${limit}, 600 calls)`,
      );
    }
    log(`  webhook acks during it: ${summary(acks)}`);
    log(`  GET /v1/events?limit=100 during it: ${summary(reads)}`);
    log(
      `  largest resident memory of each workerd process: ${maxRss.map((mb) => `${mb} MB`).join(', ')}`,
    );
    await cronFiring;
  } catch (error) {
    stopped = true;
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
    throw error;
  }
  stopped = true;
  await stack.stop();

  // Nothing lost: counted in the feed object's own database.
  const { DatabaseSync } = await import('node:sqlite');
  const file = feedDatabase(persistTo);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const one = (query, ...params) => db.prepare(query).get(...params);
    const like = `${prefix}%`;
    const misses = one(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT uaid) AS ids FROM events WHERE type = 'recon.missed' AND uaid LIKE ?",
      like,
    );
    const twice = one(
      `SELECT COUNT(*) AS n FROM (SELECT uaid FROM events WHERE type = 'recon.missed' AND uaid LIKE ?
         GROUP BY uaid HAVING COUNT(*) > 1)`,
      like,
    ).n;
    // A miss recorded although a webhook of its kind was already there: must be none.
    const missedThoughSeen = one(
      `SELECT COUNT(*) AS n FROM events m WHERE m.type = 'recon.missed' AND m.uaid LIKE ?
         AND EXISTS (SELECT 1 FROM events w WHERE w.uaid = m.uaid AND w.kind = 'kyc'
                       AND w.source = 'webhook' AND w.seq < m.seq)`,
      like,
    ).n;
    // Every id of the file: missed, or seen by a webhook before its batch (then no miss).
    const accounted = one(
      `WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?)
       SELECT COUNT(*) AS n FROM k WHERE
         EXISTS (SELECT 1 FROM events e WHERE e.uaid = ? || k.n AND e.type = 'recon.missed')
         OR EXISTS (SELECT 1 FROM events e WHERE e.uaid = ? || k.n AND e.kind = 'kyc' AND e.source = 'webhook')`,
      IDS,
      prefix,
      prefix,
    ).n;
    const seenMissed = one(
      `WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + ? FROM k WHERE n + ? < ?)
       SELECT COUNT(*) AS n FROM k JOIN events e ON e.uaid = ? || k.n AND e.type = 'recon.missed'`,
      SEEN_EVERY,
      SEEN_EVERY,
      IDS,
      prefix,
    ).n;
    const burstRecorded = one(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT notification_id) AS ids FROM events WHERE notification_id LIKE ?',
      `burst-${runId}-%`,
    );
    const preRecorded = one(
      'SELECT COUNT(*) AS n FROM events WHERE notification_id LIKE ?',
      `pre-${runId}-%`,
    ).n;
    const lateSeen = IDS - misses.n - Math.ceil(IDS / SEEN_EVERY);
    const users = one('SELECT COUNT(*) AS n, COUNT(DISTINCT uaid) AS ids FROM users');
    const recon = one('SELECT state, ids_total, missed FROM recon_files');
    const bytes = await databaseBytes(file);
    const ok =
      twice === 0 &&
      missedThoughSeen === 0 &&
      accounted === IDS &&
      seenMissed === 0 &&
      misses.n === recon.missed &&
      recon.ids_total === IDS &&
      burstRecorded.n === BURST &&
      burstRecorded.ids === BURST &&
      preRecorded === Math.ceil(IDS / SEEN_EVERY) &&
      users.n === users.ids;
    log(
      `nothing lost: ${ok ? 'yes' : 'NO'}. ${misses.n} recon.missed for ${misses.ids} ids, none twice (${twice}), none for an id a webhook had named first (${missedThoughSeen}); ${accounted} of ${IDS} ids missed or seen; the ${Math.ceil(IDS / SEEN_EVERY)} ids notified before the file: ${seenMissed} missed; ${lateSeen} ids seen by the burst before their batch`,
    );
    log(
      `  burst: ${burstRecorded.n} of ${BURST} webhooks recorded, ${burstRecorded.ids} distinct; the earlier ${preRecorded} too; users: ${users.n} rows for ${users.ids} ids; file ${recon.state}, ${recon.ids_total} ids`,
    );
    log(
      `  feed database: ${(bytes.total / 1e6).toFixed(0)} MB for ${bytes.events} events and ${bytes.users} users (events ${(bytes.tables.events / 1e6).toFixed(0)} MB, users ${(bytes.tables.users / 1e6).toFixed(0)} MB)`,
    );
    if (!ok) throw new Error('the simulation lost or doubled something');
  } finally {
    db.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
