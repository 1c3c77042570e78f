// Recon under `wrangler dev` (Worker + sandbox on loopback): a 100,000-id file
// from `file.created` to every miss readable through `GET /v1/events` (a
// follower reading all of them, as a merchant would), where that time goes,
// the feed read while it is processed, and the bytes the feed object and KV keep per event and per user.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './_bundle.mjs';
import { postNotification } from './_http.mjs';
import { PAGE, follow, pageOf, reconRow, tailCursor } from './_feed.mjs';
import { feedDatabase } from './_seed.mjs';
import { sandboxAdmin } from '../scripts/lib/sandbox-client.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

export const name = 'Recon files under wrangler dev (loopback, local sandbox)';

const RECON_IDS = Number(process.env.BENCH_RECON_IDS ?? 100_000);
/** Webhooks about users the recon file created: events only, for bytes per event. */
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 5_000);
const IN_FLIGHT = 20;

/** Where a stack's Worker takes PayPay's KYC notifications. */
export const webhookUrl = (stack, kind = 'kyc') => `${stack.workerUrl}/v1/webhooks/paypay/${kind}`;

const randomToken = () => randomBytes(24).toString('base64url');
const ms = (v) => `${v.toFixed(0)} ms`;

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms (n=${sorted.length})`;
}

/**
 * Bytes the feed database holds (SQLite pages, what `ctx.storage.sql.databaseSize`
 * counts) and, per table with its indexes, from SQLite's dbstat. Read after the
 * Worker stopped, so the WAL is folded in.
 */
export async function databaseBytes(file) {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { page_size: pageSize } = db.prepare('PRAGMA page_size').get();
    const { page_count: pages } = db.prepare('PRAGMA page_count').get();
    const tables = Object.fromEntries(
      db
        .prepare(
          `SELECT COALESCE(m.tbl_name, s.name) AS t, SUM(s.pgsize) AS bytes
           FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY t`,
        )
        .all()
        .map((row) => [row.t, row.bytes]),
    );
    const count = (table) => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
    return { total: pageSize * pages, tables, events: count('events'), users: count('users') };
  } finally {
    db.close();
  }
}

/** Sizes of the KV values stored locally (miniflare keeps one blob file per value). */
export function kvValueBytes(persistTo) {
  const dir = join(persistTo, 'worker', 'v3', 'kv');
  let bytes = 0;
  let n = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (d.endsWith('blobs') && !entry.name.endsWith('.tmp')) {
        try {
          bytes += statSync(p).size;
          n++;
        } catch {
          // replaced meanwhile
        }
      }
    }
  };
  walk(dir);
  return { bytes, n };
}

/**
 * Sends `count` recon ids through the sandbox and follows the feed from `start`
 * until every one of them is readable as a `recon.missed`: the clock starts
 * when the sandbox is asked to post `file.created` and stops at the page that
 * showed the last miss. Meanwhile: the file's recon_files row, read from its
 * database every 100 ms (when its batches were recorded), and, until that row
 * says done, a second reader taking pages of 100 from `start` every 20 ms (how
 * long a page takes while a file is recorded; stopped then, so that the
 * follower alone reads the rest, as one merchant would).
 */
export async function reconRun(
  stack,
  { prefix, count, start, auth, persistTo, timeoutMs = 300_000 },
) {
  const started = performance.now();
  const since = (t) => (t === null ? NaN : t - started);
  const missed = new Set();
  let misses = 0;
  let firstMissAt = null;
  let lastMissAt = null;
  const done = () => missed.size >= count;
  const deadline = started + timeoutMs;
  const followed = follow((cursor) => pageOf(stack.workerUrl, auth, cursor), start, {
    deadline,
    done,
    onEvents: (events, at) => {
      for (const e of events) {
        if (e.type !== 'recon.missed' || !e.userAuthorizationId?.startsWith(prefix)) continue;
        misses++;
        missed.add(e.userAuthorizationId);
        firstMissAt ??= at;
        if (done()) lastMissAt ??= at;
      }
    },
  });
  const reads = [];
  const row = { firstBatchAt: null, doneAt: null };
  const recording = () => row.doneAt === null && performance.now() < deadline;
  const reader = (async () => {
    while (recording()) {
      const t = performance.now();
      await pageOf(stack.workerUrl, auth, start, 100);
      if (recording()) reads.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const created = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
    fileType: 'kyc_passport_sync_recon',
    userAuthorizationIds: [],
    generate: { prefix, count },
  });
  const ackAt = performance.now();
  if (created.body?.deliveries?.[0]?.status !== 200) {
    throw new Error(`file.created answered ${JSON.stringify(created.body?.deliveries)}`);
  }
  // The file's row: its first batch recorded, and done (every batch recorded).
  while (recording()) {
    const r = await reconRow(persistTo, created.body.notificationId);
    if (r && r.processed > 0) row.firstBatchAt ??= performance.now();
    if (r?.state === 'done') row.doneAt = performance.now();
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const follower = await followed;
  await reader;
  if (!done()) throw new Error(`${missed.size} of ${count} misses readable within ${timeoutMs} ms`);
  // The sandbox making and serving the file, alone: downloaded again once the run is over.
  const downloadStarted = performance.now();
  const file = await fetch(created.body.path);
  if (file.status !== 200) throw new Error(`the file answered ${file.status} when fetched again`);
  for await (const chunk of file.body) void chunk;
  const downloadMs = performance.now() - downloadStarted;
  return {
    seconds: since(lastMissAt) / 1000,
    ackMs: since(ackAt),
    firstBatchMs: since(row.firstBatchAt),
    recordedMs: since(row.doneAt),
    firstMissMs: since(firstMissAt),
    misses,
    distinct: missed.size,
    downloadMs,
    follower,
    reads,
  };
}

export async function run(log) {
  const persistTo = `.wrangler/bench-recon-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const trace = process.env.BENCH_TRACE ? (line) => log(line) : () => {};
  // One token for both stacks, so the follower's cursor and auth carry over the restart.
  const options = { demo: false, log: trace, persistTo, merchantApiToken: randomToken() };
  let stack = await startStack(options);
  const run = Math.random().toString(36).slice(2, 8);
  const prefix = `recon-${run}-`;
  try {
    const auth = { Authorization: `Bearer ${stack.merchantApiToken}` };
    for (let i = 0; i < 5; i++)
      await postNotification(webhookUrl(stack), 'kyc', `warm-${run}-${i}`, `warm-${run}-${i}`);
    // Let the warm-up's KV copies go by.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const start = await tailCursor(stack.workerUrl, auth);

    const r = await reconRun(stack, { prefix, count: RECON_IDS, start, auth, persistTo });
    const f = r.follower;
    log(
      `recon, ${RECON_IDS} ids, file.created -> every miss readable through GET /v1/events: ${r.seconds.toFixed(1)} s (${(RECON_IDS / r.seconds).toFixed(0)} ids/s; target ≤ 5 s for 100,000)`,
    );
    log(
      `  acknowledged ${ms(r.ackMs)}; first batch recorded ${ms(r.firstBatchMs)}, all recorded (file done) ${ms(r.recordedMs)} (its database, read every 100 ms); first miss readable ${ms(r.firstMissMs)}, last ${ms(r.seconds * 1000)}`,
    );
    log(
      `  the follower: ${f.pages} pages of up to ${PAGE}, ${(f.ms / 1000).toFixed(1)} s of it waiting for answers (${(f.ms / f.pages).toFixed(0)} ms a page)`,
    );
    log(
      `  the sandbox alone makes and serves the file in ${ms(r.downloadMs)} (fetched again afterwards)`,
    );
    log(`  GET /v1/events?limit=100 while the file is recorded: ${summary(r.reads)}`);
    if (r.misses !== RECON_IDS || r.distinct !== RECON_IDS) {
      throw new Error(`${r.misses} misses (${r.distinct} ids) of ${RECON_IDS}`);
    }
    log(`  every id once: ${r.misses} recon.missed, ${r.distinct} distinct ids`);
    if (process.env.BENCH_RECON_ONLY) return;

    // KV copies of 100,000 new users take a while (one writer, 50 at a time): wait for them.
    const copyStarted = performance.now();
    const kvDeadline = Date.now() + 600_000;
    let kv = kvValueBytes(persistTo);
    while (kv.n < RECON_IDS && Date.now() < kvDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      kv = kvValueBytes(persistTo);
    }
    log(
      `  KV copies of the ${RECON_IDS} users written ${((performance.now() - copyStarted) / 1000 + r.seconds).toFixed(0)} s after the notification (${kv.n} keys)`,
    );

    // Bytes: after the recon (one event and one user per id), then after webhooks about
    // users already there (one event each, the users table unchanged in rows).
    await stack.stop();
    const afterRecon = await databaseBytes(feedDatabase(persistTo));
    const kvAfterRecon = kvValueBytes(persistTo);
    stack = await startStack(options);
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < WEBHOOKS) {
          const i = next++;
          await postNotification(webhookUrl(stack), 'kyc', `bytes-${run}-${i}`, `${prefix}${i}`);
        }
      }),
    );
    // Every one readable (a Queue may record them a second after their 200), then the
    // re-reads they started have a moment to add their standing.changed.
    const bytesIds = new Set(Array.from({ length: WEBHOOKS }, (_, i) => `bytes-${run}-${i}`));
    await follow((cursor) => pageOf(stack.workerUrl, auth, cursor), r.follower.cursor, {
      deadline: performance.now() + 120_000,
      done: () => bytesIds.size === 0,
      onEvents: (events) => events.forEach((e) => bytesIds.delete(e.notificationId)),
    });
    if (bytesIds.size > 0) throw new Error(`${bytesIds.size} of ${WEBHOOKS} webhooks not readable`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await stack.stop();
    const afterWebhooks = await databaseBytes(feedDatabase(persistTo));
    const eventsAdded = afterWebhooks.events - afterRecon.events;
    const perEvent = (afterWebhooks.total - afterRecon.total) / eventsAdded;
    const tableBytes = (t) => afterRecon.tables[t] ?? 0;
    log(
      `  bytes stored: ${(afterRecon.total / 1e6).toFixed(1)} MB for ${afterRecon.events} events and ${afterRecon.users} users (events ${(tableBytes('events') / 1e6).toFixed(1)} MB with indexes, users ${(tableBytes('users') / 1e6).toFixed(1)} MB)`,
    );
    log(
      `  per event: ${(tableBytes('events') / afterRecon.events).toFixed(0)} B (recon.missed, indexes included); ${perEvent.toFixed(0)} B per event that ${WEBHOOKS} webhooks about known users added (${eventsAdded}: their kyc.updated and the standing.changed of their re-reads)`,
    );
    log(
      `  per user: ${(tableBytes('users') / afterRecon.users).toFixed(0)} B in the users table; KV ${(kvAfterRecon.bytes / kvAfterRecon.n).toFixed(0)} B per value (${kvAfterRecon.n} keys)`,
    );
    stack = null;
  } finally {
    await stack?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
