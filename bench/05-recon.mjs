// Recon under `wrangler dev` (Worker + sandbox on loopback): a 100,000-id file
// from `file.created` to the last missed event recorded, the feed read while it
// is processed, and the bytes the feed object and KV keep per event and per user.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './_bundle.mjs';
import { getJson, postNotification } from './_http.mjs';
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
 * Sends `count` recon ids through the sandbox and waits for the last missed
 * event, reading a page of the feed every 100 ms meanwhile. Returns the timings.
 */
export async function reconRun(stack, { prefix, count, start, auth, timeoutMs = 300_000 }) {
  const reads = [];
  const started = performance.now();
  const created = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
    fileType: 'kyc_passport_sync_recon',
    userAuthorizationIds: [],
    generate: { prefix, count },
  });
  if (created.body?.deliveries?.[0]?.status !== 200) {
    throw new Error(`file.created answered ${JSON.stringify(created.body?.deliveries)}`);
  }
  const ackMs = performance.now() - started;
  const last = String(Number(start) + count - 1);
  const deadline = Date.now() + timeoutMs;
  let firstSeenMs = null;
  let done = false;
  // The merchant's reader, one page of 100 at a time from the start, timed while the file is processed.
  const reader = (async () => {
    while (!done) {
      const t = performance.now();
      const page = await getJson(`${stack.workerUrl}/v1/events?after=${start}&limit=100`, auth);
      if (!done) reads.push(performance.now() - t);
      if (firstSeenMs === null && page.events.length > 0) firstSeenMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  for (;;) {
    const tail = await getJson(`${stack.workerUrl}/v1/events?after=${last}&limit=1`, auth);
    if (tail.events.length > 0) break;
    if (Date.now() > deadline) throw new Error(`recon not recorded within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  done = true;
  await reader;
  return { seconds, ackMs, firstSeenMs, reads };
}

/** Counts the file's misses in the feed after `start`, reading pages of 1,000. */
export async function countMissed(stack, auth, start, prefix) {
  let missed = 0;
  const ids = new Set();
  for (let cursor = start; ;) {
    const page = await getJson(`${stack.workerUrl}/v1/events?after=${cursor}&limit=1000`, auth);
    if (page.events.length === 0) return { missed, distinct: ids.size, cursor };
    cursor = page.cursor;
    for (const e of page.events) {
      if (e.type === 'recon.missed' && e.userAuthorizationId?.startsWith(prefix)) {
        missed++;
        ids.add(e.userAuthorizationId);
      }
    }
  }
}

export async function run(log) {
  const persistTo = `.wrangler/bench-recon-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const trace = process.env.BENCH_TRACE ? (line) => log(line) : () => {};
  let stack = await startStack({ demo: false, log: trace, persistTo });
  const run = Math.random().toString(36).slice(2, 8);
  const prefix = `recon-${run}-`;
  try {
    const auth = { Authorization: `Bearer ${stack.merchantApiToken}` };
    for (let i = 0; i < 5; i++)
      await postNotification(webhookUrl(stack), 'kyc', `warm-${run}-${i}`, `warm-${run}-${i}`);
    // Let the warm-up's KV copies go by.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const start = (await getJson(`${stack.workerUrl}/v1/events?after=0&limit=1000`, auth)).cursor;

    const r = await reconRun(stack, { prefix, count: RECON_IDS, start, auth });
    log(
      `recon, ${RECON_IDS} ids, file.created -> last missed event recorded: ${r.seconds.toFixed(1)} s (${(RECON_IDS / r.seconds).toFixed(0)} ids/s; acknowledged in ${r.ackMs.toFixed(0)} ms, first miss readable after ${(r.firstSeenMs ?? NaN).toFixed(0)} ms)`,
    );
    log(`  GET /v1/events?limit=100 while it runs: ${summary(r.reads)}`);
    const counted = await countMissed(stack, auth, start, prefix);
    if (counted.missed !== RECON_IDS || counted.distinct !== RECON_IDS) {
      throw new Error(`${counted.missed} misses (${counted.distinct} ids) of ${RECON_IDS}`);
    }
    log(`  every id once: ${counted.missed} recon.missed, ${counted.distinct} distinct ids`);
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
    stack = await startStack({ demo: false, log: trace, persistTo });
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < WEBHOOKS) {
          const i = next++;
          await postNotification(webhookUrl(stack), 'kyc', `bytes-${run}-${i}`, `${prefix}${i}`);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
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
