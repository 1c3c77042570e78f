// Webhooks and the feed under `wrangler dev` (Worker + sandbox on loopback), each
// figure beside its floor: a minimal Worker with our bindings doing only the
// same storage work (bench/floor/), started beside the stack and measured
// in the same run, interleaved (alternate requests, rounds or pages), so the
// machine's noise hits both. Ratios are ours to the floor. Recon is 05-recon.mjs.
// Nothing here assumes an event is readable at its webhook's 200 (a Queue may
// record it a second later) or that the feed's cursor is a number.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { percentile } from './_bundle.mjs';
import { cpuSpent, processCpu } from './_cpu.mjs';
import { NOTIFICATION_TYPES, getJson, getText, pool, postNotification } from './_http.mjs';
import { PAGE, follow, pageOf } from './_feed.mjs';
import { seedFloor, startFloor } from './_floor.mjs';
import { copiesWaiting, seedEvents, seedFeed, staleCopies } from './_seed.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

export const name = 'Webhooks and the feed under wrangler dev, beside the floor (loopback)';

const SEQUENTIAL = 300;
/** Ingest: rounds of ROUND notifications per side, 50 in flight, alternating which side goes first. */
const ROUNDS = 6;
const ROUND = 500;
const IN_FLIGHT = 50;
/** Events in the feed before the run, read back in pages of 1,000 at the end. */
const FEED_EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 100_000);
/** Webhooks 50 in flight whose 200-to-readable time is taken, per side, in two alternating rounds. */
const VISIBLE = Number(process.env.BENCH_VISIBLE ?? 2_000);
/** How long a follower waits for an event after the last 200 before calling it never readable. */
const VISIBLE_WAIT_MS = 30_000;

/** Reads both feeds to their end in pages of PAGE, alternating; ms and events per side. */
async function readBoth(pageOf) {
  const read = {
    ours: { cursor: null, events: 0, ms: 0, done: false },
    floor: { cursor: '0', events: 0, ms: 0, done: false },
  };
  for (let p = 0; !read.ours.done || !read.floor.done; p++) {
    const order = p % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
    for (const side of order) {
      const state = read[side];
      if (state.done) continue;
      const started = performance.now();
      const page = JSON.parse(await pageOf[side](state.cursor));
      state.ms += performance.now() - started;
      if (page.events.length === 0) state.done = true;
      state.events += page.events.length;
      state.cursor = page.cursor ?? state.cursor;
    }
  }
  return read;
}

/**
 * Quiet time after each ingest round, so its background work (KV copies,
 * re-reads, and a Queue consumer's batches, up to a second behind) is counted with it.
 */
const SETTLE_MS = 2500;

/**
 * CPU per webhook by process, ours beside the floor. The wrangler (Node)
 * process of a Worker carries its console output under `wrangler dev`, work
 * that Cloudflare does outside the Worker.
 */
function cpuLine(cpu, count) {
  // Each side's own processes (ours: the Worker's and the sandbox's), above 0.01 ms a webhook.
  const own = (side, key) => (side === 'floor') === key.startsWith('floor');
  const per = (side) =>
    Object.entries(cpu[side]).filter(([key, s]) => own(side, key) && s * 1000 >= count * 0.01);
  const parts = (side) =>
    per(side)
      .map(([key, s]) => `${key} ${((s * 1000) / count).toFixed(2)}`)
      .join(', ');
  const sum = (side) => (per(side).reduce((a, [, s]) => a + s, 0) * 1000) / count;
  return `CPU per webhook (ms, 50 in flight): ours ${sum('ours').toFixed(2)} (${parts('ours')})  floor ${sum('floor').toFixed(2)} (${parts('floor')})  ${ratio(sum('ours'), sum('floor'))}`;
}

const ms = (v) => `${v.toFixed(1)} ms`;
const ratio = (ours, floor) => `${(ours / floor).toFixed(2)}x`;

function readLine(label, read) {
  const [o, f] = ['ours', 'floor'].map((s) => read[s].ms / read[s].events);
  const took = (s) => `${read[s].events} events, ${(read[s].ms / 1000).toFixed(1)} s`;
  return `${label} ${o.toFixed(3)} ms/event (${took('ours')})  floor ${f.toFixed(3)} ms/event (${took('floor')})  ${ratio(o, f)}  (target ≤ 2x; pages of ${PAGE}, alternating)`;
}

/** Resolves once the notification `id` is readable in the feed after `cursor`. */
async function readable(workerUrl, auth, cursor, id) {
  let seen = false;
  await follow((c) => pageOf(workerUrl, auth, c), cursor, {
    deadline: performance.now() + VISIBLE_WAIT_MS,
    done: () => seen,
    onEvents: (events) => (seen ||= events.some((e) => e.notificationId === id)),
  });
  if (!seen) throw new Error(`notification ${id} not readable within ${VISIBLE_WAIT_MS} ms`);
}

/**
 * VISIBLE / 2 webhooks through `post`, IN_FLIGHT at a time, while a follower
 * reads the feed from `cursor` (pages of PAGE, the next at once after a full
 * one, 50 ms after a short one). Each one's lag: from its 200 to the answer of
 * the first page holding its event (0 when that page came first).
 */
async function visibility(post, pageAt, cursor, tag) {
  const count = VISIBLE / 2;
  const ackAt = new Map();
  const seenAt = new Map();
  let lastAck = Infinity;
  const following = follow(pageAt, cursor, {
    done: () => seenAt.size === count || performance.now() > lastAck + VISIBLE_WAIT_MS,
    onEvents: (events, at) => {
      for (const e of events) {
        // Ours names it notificationId; the floor's rows notification_id.
        const id = e.notificationId ?? e.notification_id;
        if (id?.startsWith(`${tag}-`) && !seenAt.has(id)) seenAt.set(id, at);
      }
    },
  });
  await pool(count, IN_FLIGHT, async (i) => {
    await post(i, tag);
    ackAt.set(i, performance.now());
  });
  lastAck = performance.now();
  const { cursor: reached } = await following;
  const lags = [];
  for (const [id, at] of seenAt)
    lags.push(Math.max(0, at - ackAt.get(Number(id.split('-').at(-1)))));
  return { lags, never: count - seenAt.size, cursor: reached };
}

export async function run(log) {
  const persistTo = `.wrangler/bench-webhooks-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const run = Math.random().toString(36).slice(2, 8);
  const kinds = Object.keys(NOTIFICATION_TYPES);
  const uaid = (n) => `bench-${run}-user-${n % 200}`;
  const stackOptions = {
    demo: false,
    log: () => {},
    persistTo,
    merchantApiToken: randomBytes(24).toString('base64url'),
  };
  const auth = { Authorization: `Bearer ${stackOptions.merchantApiToken}` };

  // The feed object exists once a notification reached it; then, stopped, it is filled.
  const rows = seedEvents(FEED_EVENTS);
  const first = await startStack(stackOptions);
  try {
    await postNotification(
      `${first.workerUrl}/v1/webhooks/paypay/kyc`,
      'kyc',
      `first-${run}`,
      uaid(0),
    );
    await readable(first.workerUrl, auth, null, `first-${run}`);
  } finally {
    await first.stop();
  }
  const seeded = await seedFeed(persistTo, rows);
  log(`feed seeded: ${seeded.events} events, ${seeded.users} users (their KV copies current)`);

  const [stack, floor] = await Promise.all([startStack(stackOptions), startFloor({ persistTo })]);
  const stacks = [stack];
  try {
    await seedFloor(floor, rows);
    const oursAt = (kind) => `${stack.workerUrl}/v1/webhooks/paypay/${kind}`;
    const floorAt = (kind) => `${floor.url}/webhook/${kind}`;
    const sides = {
      ours: (i, tag) =>
        postNotification(oursAt(kinds[i % 3]), kinds[i % 3], `${tag}-${run}-${i}`, uaid(i)),
      floor: (i, tag) =>
        postNotification(floorAt(kinds[i % 3]), kinds[i % 3], `${tag}-${run}-${i}`, uaid(i)),
    };

    for (let i = 0; i < 20; i++) {
      await sides.ours(i, 'warm');
      await sides.floor(i, 'warm');
    }
    // One at a time, alternating ours and the floor (and which of them goes first).
    const acks = { ours: [], floor: [] };
    for (let i = 0; i < SEQUENTIAL; i++) {
      const order = i % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
      for (const side of order) acks[side].push(await sides[side](i, 'seq'));
    }
    for (const p of [50, 95]) {
      const [o, f] = ['ours', 'floor'].map((s) =>
        percentile(
          [...acks[s]].sort((a, b) => a - b),
          p,
        ),
      );
      log(
        `webhook ack p${p} ${ms(o)}  floor ${ms(f)}  ${ratio(o, f)}  (target ≤ ${p === 50 ? '1.0' : '1.3'}x; one at a time, n=${SEQUENTIAL} each)`,
      );
    }

    // 50 in flight, in alternating rounds; the CPU each process spends on a round
    // (and in the second after it, for background work) is counted for its side.
    const port = (url) => new URL(url).port;
    const roles = {
      [port(stack.workerUrl)]: 'worker',
      [port(stack.sandboxUrl)]: 'sandbox',
      [port(floor.url)]: 'floor',
    };
    const seconds = { ours: 0, floor: 0 };
    const cpu = { ours: {}, floor: {} };
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
      for (const side of order) {
        const before = processCpu(roles);
        seconds[side] += await pool(ROUND, IN_FLIGHT, (i) => sides[side](r * ROUND + i, 'con'));
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        for (const [key, spent] of Object.entries(cpuSpent(before, processCpu(roles)))) {
          cpu[side][key] = (cpu[side][key] ?? 0) + spent;
        }
      }
    }
    const total = ROUNDS * ROUND;
    const [o, f] = [total / seconds.ours, total / seconds.floor];
    log(
      `ingest ${o.toFixed(0)} events/s  floor ${f.toFixed(0)} events/s  ${(o / f).toFixed(2)}x  (target ≥ 1.5x; ${total} unique each, ${IN_FLIGHT} in flight, ${ROUNDS} alternating rounds)`,
    );
    log(cpuLine(cpu, total));

    // Let the KV copies of the phases above finish, so they do not count against the read.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pagesOf = (workerUrl) => ({
      ours: (after) =>
        getText(
          `${workerUrl}/v1/events?${after === null ? '' : `after=${after}&`}limit=${PAGE}`,
          auth,
        ),
      floor: (after) => getText(`${floor.url}/events?after=${after}&limit=${PAGE}`),
    });
    const quiet = await readBoth(pagesOf(stack.workerUrl));
    if (quiet.ours.events < seeded.events) throw new Error(`read ${quiet.ours.events} events`);
    log(readLine('feed read', quiet));

    // From each 200 to the event readable, followers starting at the feeds' ends.
    const cursors = { ours: quiet.ours.cursor, floor: quiet.floor.cursor };
    const followers = {
      ours: (cursor) => pageOf(stack.workerUrl, auth, cursor),
      floor: (cursor) => getJson(`${floor.url}/events?after=${cursor}&limit=${PAGE}`),
    };
    const lags = { ours: [], floor: [] };
    const never = { ours: 0, floor: 0 };
    for (let r = 0; r < 2; r++) {
      for (const side of r === 0 ? ['ours', 'floor'] : ['floor', 'ours']) {
        const seen = await visibility(sides[side], followers[side], cursors[side], `vis${r}`);
        cursors[side] = seen.cursor;
        lags[side].push(...seen.lags);
        never[side] += seen.never;
      }
    }
    for (const p of [50, 95]) {
      const [o, f] = ['ours', 'floor'].map((s) =>
        percentile(
          lags[s].toSorted((a, b) => a - b),
          p,
        ),
      );
      log(
        `webhook 200 -> readable in GET /v1/events, p${p} ${ms(o)}  floor ${ms(f)}${p === 95 ? '  (target ≤ 2000 ms)' : ''}`,
      );
    }
    const max = (s) => Math.max(...lags[s]);
    log(
      `  max ${ms(max('ours'))}  floor ${ms(max('floor'))}; never readable within ${VISIBLE_WAIT_MS / 1000} s: ${never.ours}  floor ${never.floor} (must be 0; ${VISIBLE} each, ${IN_FLIGHT} in flight; the floor records before its 200, so its figure is the follower's own lag)`,
    );

    // As after a recon naming every seeded user: all their KV copies are due, and run meanwhile.
    await stack.stop();
    const stale = await staleCopies(persistTo);
    const again = await startStack(stackOptions);
    stacks.push(again);
    // One notification arms the object's alarm, which copies every waiting user:
    // the read starts once it is recorded.
    await postNotification(
      `${again.workerUrl}/v1/webhooks/paypay/kyc`,
      'kyc',
      `kick-${run}`,
      uaid(0),
    );
    await readable(again.workerUrl, auth, cursors.ours, `kick-${run}`);
    const busy = await readBoth(pagesOf(again.workerUrl));
    await again.stop();
    const copied = stale - (await copiesWaiting(persistTo));
    log(
      `${readLine(`feed read while ${stale} users' KV copies run`, busy)}; ${copied} copied by the end of the read`,
    );
  } finally {
    await Promise.all([...stacks.map((s) => s.stop()), floor.stop()]);
    rmSync(persistTo, { recursive: true, force: true });
  }
}
