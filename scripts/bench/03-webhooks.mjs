// Webhooks under `wrangler dev` (Worker + sandbox on loopback): how fast a
// notification is acknowledged, how many per second are ingested concurrently,
// and how many recon ids per second go from `file.created` to missed events in
// the feed for a 100,000-id file.
import { rmSync } from 'node:fs';
import { percentile } from './_bundle.mjs';
import { startStack } from '../stack.mjs';

export const name = 'Webhooks and recon files under wrangler dev (loopback, local sandbox)';

const SEQUENTIAL = 300;
const CONCURRENT = 3000;
const IN_FLIGHT = 50;
const RECON_IDS = 100_000;
const KINDS = {
  kyc: 'kyc_passport.kyc_info.updated',
  risk: 'kyc_passport.risk.update',
  'account-status': 'kyc_passport.account_status.updated',
};

/** A GET that retries a dropped connection (wrangler dev's proxy drops some under load). */
async function getJson(url, headers) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { headers });
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      return await response.json();
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms (n=${sorted.length})`;
}

async function send(stack, kind, id, uaid) {
  const started = performance.now();
  const response = await fetch(`${stack.workerUrl}/v1/webhooks/paypay/${kind}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      notification_type: KINDS[kind],
      notification_id: id,
      user_authorization_id: uaid,
    }),
  });
  await response.text();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return performance.now() - started;
}

export async function run(log) {
  const persistTo = `.wrangler/bench-webhooks-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const stack = await startStack({ demo: false, log: () => {}, persistTo });
  try {
    const run = Math.random().toString(36).slice(2, 8);
    const kinds = Object.keys(KINDS);
    const uaid = (n) => `bench-${run}-user-${n % 200}`;

    for (let i = 0; i < 20; i++) await send(stack, 'kyc', `warm-${run}-${i}`, uaid(i));
    const acks = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      acks.push(await send(stack, kinds[i % 3], `seq-${run}-${i}`, uaid(i)));
    }
    log(`webhook ack latency (one at a time): ${summary(acks)}`);

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CONCURRENT) {
          const i = next++;
          await send(stack, kinds[i % 3], `con-${run}-${i}`, uaid(i));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    log(
      `ingested concurrently: ${(CONCURRENT / seconds).toFixed(0)} notifications/s (${CONCURRENT} unique, ${IN_FLIGHT} in flight, ${seconds.toFixed(1)} s)`,
    );

    const auth = { Authorization: `Bearer ${stack.merchantApiToken}` };
    let cursor = '0';
    for (;;) {
      const page = await getJson(`${stack.workerUrl}/v1/events?after=${cursor}&limit=1000`, auth);
      if (page.events.length === 0) break;
      cursor = page.cursor;
    }
    // Let the copies to KV of the phases above finish, so they do not count against recon.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const start = cursor;
    const prefix = `recon-${run}-`;
    const reconStarted = performance.now();
    const created = await fetch(`${stack.sandboxUrl}/_sandbox/recon`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        fileType: 'kyc_passport_sync_recon',
        userAuthorizationIds: [],
        generate: { prefix, count: RECON_IDS },
      }),
    });
    const answer = await created.json();
    if (answer.deliveries?.[0]?.status !== 200) {
      throw new Error(`file.created answered ${JSON.stringify(answer.deliveries)}`);
    }
    const ackMs = performance.now() - reconStarted;
    // Recorded: the 100,000th event after the start is there (nothing else writes meanwhile).
    const last = String(Number(start) + RECON_IDS - 1);
    const deadline = Date.now() + 300_000;
    for (;;) {
      const page = await getJson(`${stack.workerUrl}/v1/events?after=${last}&limit=1`, auth);
      if (page.events.length > 0) break;
      if (Date.now() > deadline) throw new Error('recon not recorded within 300 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const recordedSeconds = (performance.now() - reconStarted) / 1000;
    let missed = 0;
    for (cursor = start; ;) {
      const page = await getJson(`${stack.workerUrl}/v1/events?after=${cursor}&limit=1000`, auth);
      if (page.events.length === 0) break;
      cursor = page.cursor;
      missed += page.events.filter(
        (e) => e.type === 'recon.missed' && e.userAuthorizationId.startsWith(prefix),
      ).length;
    }
    const readSeconds = (performance.now() - reconStarted) / 1000;
    if (missed !== RECON_IDS)
      throw new Error(`${missed} of ${RECON_IDS} missed events in the feed`);
    log(
      `recon, ${RECON_IDS} ids, file.created -> download -> parse -> missed events recorded: ${(RECON_IDS / recordedSeconds).toFixed(0)} ids/s (${recordedSeconds.toFixed(1)} s; notification acknowledged in ${ackMs.toFixed(0)} ms)`,
    );
    log(
      `  ... and all ${RECON_IDS} read back through GET /v1/events (limit 1000) while the KV copies run: ${readSeconds.toFixed(1)} s after the notification`,
    );
  } finally {
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
