// A large merchant's day under `wrangler dev`: a 1,000,000-id recon file
// (UUID-length ids, about 37 MB, streamed by the sandbox as it is made) while a
// burst of webhooks arrives, run once per FEED_SHARDS value (1 and 4), each on
// a stack and state folder of its own, one after the other. Then the feed
// databases (one per shard) are opened to show that nothing was lost or
// doubled across them, and what each shard keeps. Done is observed (the file's
// row, the webhooks' rows), never assumed from timing: with a Queue in front of
// ingest a webhook is recorded a second after its 200, and recon may run in a
// consumer. Not part of the test suite: `npm run bench -- 06` (10 minutes or more).
import { readFileSync, rmSync } from 'node:fs';
import { processCpu } from './_cpu.mjs';
import { pool, postNotification } from './_http.mjs';
import { pageOf, reconRow } from './_feed.mjs';
import { bytesPerShard, checkDay, recordedAcross } from './_million.mjs';
import { summary, webhookUrl } from './05-recon.mjs';
import { sandboxAdmin } from '../scripts/lib/sandbox-client.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

const IDS = Number(process.env.BENCH_MILLION_IDS ?? 1_000_000);
/** The FEED_SHARDS values to run, in order. */
const SHARDS = (process.env.BENCH_FEED_SHARDS ?? '1,4').split(',').map(Number);

export const name = `Scale: a ${IDS.toLocaleString('en')}-id recon file and a webhook burst at once, FEED_SHARDS=${SHARDS.join(' and ')} (wrangler dev)`;

/** File ids notified by webhook before the file: seen, so never missed. */
const SEEN_EVERY = 500;
/** Webhooks sent while the file is processed: half about other users, half about ids late in the file. */
const BURST = Number(process.env.BENCH_SCALE_BURST ?? 5_000);
const IN_FLIGHT = 50;
const JST_MS = 9 * 3_600_000;
/** How long the day may take, and its webhooks to be recorded after it. */
const DAY_MS = 1_800_000;
const RECORDED_MS = 120_000;

/** One notification, sent again up to 5 times when it fails, as PayPay does. */
const webhook = (stack, kind, id, uaid) =>
  postNotification(webhookUrl(stack, kind), kind, id, uaid, 5);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function jstToday() {
  return new Date(Date.now() + JST_MS).toISOString().slice(0, 10);
}

/**
 * Resident memory (MB) of each workerd process of this stack (the Worker's and
 * the sandbox's, told by their wrangler's port), from /proc: streaming keeps
 * the Worker's flat.
 */
function workerdRss(stack) {
  const port = (url) => new URL(url).port;
  const roles = { [port(stack.workerUrl)]: 'worker', [port(stack.sandboxUrl)]: 'sandbox' };
  const out = {};
  for (const [pid, p] of processCpu(roles)) {
    if (p.kind !== 'workerd') continue;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      out[p.role] = Math.max(out[p.role] ?? 0, Math.round(kb / 1024));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** Resolves once `count` webhooks of `prefix` are recorded in the feed databases; the ms it waited. */
async function recorded(persistTo, prefix, count) {
  const started = performance.now();
  while ((await recordedAcross(persistTo, prefix)) < count) {
    if (performance.now() - started > RECORDED_MS) throw new Error(`${prefix} not all recorded`);
    await sleep(250);
  }
  return performance.now() - started;
}

/** The day at one FEED_SHARDS value; its figures for the side-by-side lines. */
async function day(shards, log) {
  const persistTo = `.wrangler/bench-scale-${process.pid}-${shards}`;
  rmSync(persistTo, { recursive: true, force: true });
  const trace = process.env.BENCH_TRACE ? (line) => log(line) : () => {};
  const stack = await startStack({
    demo: false,
    cron: true,
    log: trace,
    persistTo,
    workerOverrides: { FEED_SHARDS: String(shards) },
  });
  const runId = Math.random().toString(36).slice(2, 8);
  // 29 characters + up to 7 digits: PayPay's ids are 36-character UUIDs.
  const prefix = `sc-${runId}-`.padEnd(29, 'x');
  const fileId = (n) => `${prefix}${n}`;
  const pre = { prefix: `pre-${runId}-`, count: Math.ceil(IDS / SEEN_EVERY) };
  const burstOf = { prefix: `burst-${runId}-`, count: BURST };
  let stopped = false;
  const out = { shards };
  try {
    const auth = { Authorization: `Bearer ${stack.merchantApiToken}` };

    // Before the file: webhooks about 1 in SEEN_EVERY of its ids, during its day,
    // recorded (not only acknowledged) before the file is announced.
    const seenStarted = performance.now();
    await pool(pre.count, IN_FLIGHT, (i) =>
      webhook(stack, 'kyc', `${pre.prefix}${i * SEEN_EVERY}`, fileId(i * SEEN_EVERY)),
    );
    const seenAcked = performance.now();
    await recorded(persistTo, pre.prefix, pre.count);
    log(
      `before the file: ${pre.count} webhooks about ids it lists, ${(pre.count / ((seenAcked - seenStarted) / 1000)).toFixed(0)}/s acknowledged, all recorded ${((performance.now() - seenAcked) / 1000).toFixed(1)} s after the last 200`,
    );

    const today = jstToday();
    const started = performance.now();
    const created = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      generate: { prefix, count: IDS },
      period: { from: today, to: today },
    });
    if (created.body?.deliveries?.[0]?.status !== 200) {
      throw new Error(`file.created answered ${JSON.stringify(created.body?.deliveries)}`);
    }
    const notificationId = created.body.notificationId;
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
            id: `${burstOf.prefix}${i}`,
            uaid: `other-${runId}-${i}`,
          }
        : { kind: 'kyc', id: `${burstOf.prefix}${i}`, uaid: fileId(IDS - 1 - i) },
    );
    const burstDone = pool(burst.length, IN_FLIGHT, async (i) => {
      acks.push(await webhook(stack, burst[i].kind, burst[i].id, burst[i].uaid));
    });
    const reader = (async () => {
      while (!stopped) {
        const t = performance.now();
        await pageOf(stack.workerUrl, auth, null, 100);
        reads.push(performance.now() - t);
        await sleep(50);
      }
    })();
    // The file's row (in the home shard) tells its progress and when it is done.
    const invocations = [];
    let segment = { from: 0, at: performance.now(), by: 'the first invocation' };
    let cronFiring = null;
    const maxRss = {};
    let row;
    for (;;) {
      row = await reconRow(persistTo, notificationId);
      for (const [role, mb] of Object.entries(workerdRss(stack))) {
        maxRss[role] = Math.max(mb, maxRss[role] ?? 0);
      }
      if (row?.state === 'done') break;
      if (row !== undefined && row.state !== 'pending') throw new Error(`recon file ${row.state}`);
      // Released (its share used): the next minute's cron, fired at once instead of waiting.
      if (row?.lease_until === null && cronFiring === null) {
        invocations.push({ ...segment, to: row.processed, ms: performance.now() - segment.at });
        segment = { from: row.processed, at: performance.now(), by: 'a cron run' };
        cronFiring = stack.cron.fire().finally(() => (cronFiring = null));
      }
      if (performance.now() - started > DAY_MS) throw new Error('recon not done in time');
      await sleep(250);
    }
    out.seconds = (performance.now() - started) / 1000;
    invocations.push({ ...segment, to: row.ids_total, ms: performance.now() - segment.at });
    await burstDone;
    await recorded(persistTo, burstOf.prefix, BURST);
    out.burstRecorded = (performance.now() - started) / 1000;
    stopped = true;
    await reader;
    out.acks = summary(acks);
    out.reads = summary(reads);
    log(
      `recon of ${IDS} ids: ${out.seconds.toFixed(1)} s from the notification to done (${(IDS / out.seconds).toFixed(0)} ids/s), ${row.missed} missed; the burst all recorded at ${out.burstRecorded.toFixed(1)} s`,
    );
    for (const inv of invocations) {
      log(`  ${inv.by}: ids ${inv.from}-${inv.to} in ${(inv.ms / 1000).toFixed(1)} s`);
    }
    log(`  webhook acks of the burst (sent from the notification on): ${out.acks}`);
    log(`  GET /v1/events?limit=100 meanwhile: ${out.reads}`);
    log(
      `  largest resident memory of the workerd processes: ${Object.entries(maxRss)
        .map(([role, mb]) => `${role} ${mb} MB`)
        .join(', ')}`,
    );
    await cronFiring;
    await stack.stop();

    const checked = await checkDay({
      persistTo,
      shards,
      prefix,
      ids: IDS,
      seenEvery: SEEN_EVERY,
      burst: burstOf,
      pre,
      notificationId,
    });
    checked.lines.forEach((line) => log(line));
    const bytes = await bytesPerShard(persistTo, shards);
    log(`bytes per shard (SQLite pages, indexes included):`);
    bytes.lines.forEach((line) => log(line));
    out.ok = checked.ok;
    out.bytes = bytes;
    if (!checked.ok) throw new Error('the day lost or doubled something');
    return out;
  } finally {
    stopped = true;
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export async function run(log) {
  log(
    `${IDS} ids (BENCH_MILLION_IDS), a burst of ${BURST}; figures from this machine, as loaded as it is`,
  );
  const days = [];
  for (const shards of SHARDS) {
    log('');
    log(`### FEED_SHARDS=${shards}`);
    days.push(await day(shards, log));
  }
  if (days.length < 2) return;
  const mb = (b) => `${(b / 1e6).toFixed(0)}`;
  const side = (f) => days.map(f).join('  |  ');
  log('');
  log(`side by side, FEED_SHARDS=${side((d) => d.shards)}:`);
  log(`  time to done: ${side((d) => `${d.seconds.toFixed(1)} s`)}`);
  log(`  webhook acks of the burst: ${side((d) => d.acks)}`);
  log(`  feed reads meanwhile: ${side((d) => d.reads)}`);
  log(
    `  MB per shard: ${side((d) => `${d.bytes.totals.map(mb).join(', ')}${d.bytes.sharded ? '' : ' (not sharded)'}`)}`,
  );
  log(`  nothing lost or doubled: ${side((d) => (d.ok ? 'yes' : 'NO'))}`);
}
