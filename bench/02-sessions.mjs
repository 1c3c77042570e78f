// Sessions under `wrangler dev` (Worker + sandbox on loopback): latency of
// GET /v1/sessions/:id, how fast a completed status reaches a waiting stream,
// the exchange with its receipt, and PayPay calls per completed verification.
import { rmSync } from 'node:fs';
import { percentile } from './_bundle.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

export const name = 'Sessions under wrangler dev (loopback, local sandbox)';

const POLLS = 300;
const FLOWS = 30;

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms (n=${sorted.length})`;
}

async function createSession(stack, origin) {
  const response = await fetch(`${stack.workerUrl}/v1/sessions`, {
    method: 'POST',
    headers: {
      Origin: origin,
      'Content-Type': 'application/json',
      // A client of its own (its own /64), so the per-client creation limit measures nothing here.
      'CF-Connecting-IP': `2001:db8:${Math.random().toString(16).slice(2, 6)}::1`,
    },
    body: '{}',
  });
  if (response.status !== 201)
    throw new Error(`create answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Opens the SSE stream and resolves when an event with `status` arrives. */
async function openStream(stack, origin, sessionId) {
  const response = await fetch(`${stack.workerUrl}/v1/sessions/${sessionId}/events`, {
    headers: { Origin: origin },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const waitFor = async (status) => {
    for (;;) {
      const at = buffer.indexOf(`"status":"${status}"`);
      if (at >= 0) {
        buffer = buffer.slice(at + 1);
        return performance.now();
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${status}`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
  await waitFor('pending');
  return { waitFor, close: () => reader.cancel() };
}

/** The exchange of a completed session's token, timed: the receipt is logged, then signed. */
async function timeExchange(stack, origin, sessionId) {
  const view = await (
    await fetch(`${stack.workerUrl}/v1/sessions/${sessionId}`, { headers: { Origin: origin } })
  ).json();
  const started = performance.now();
  const response = await fetch(`${stack.workerUrl}/v1/results/exchange`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${stack.merchantApiToken}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ resultToken: view.resultToken }),
  });
  const answer = await response.json();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || typeof answer.receipt !== 'string')
    throw new Error(`exchange answered ${response.status} without a receipt`);
  return elapsed;
}

export async function run(log) {
  // A fresh state each run: the creation limits' counters must not carry over.
  const persistTo = `.wrangler/bench-sessions-${process.pid}`;
  const stack = await startStack({ demo: false, log: () => {}, persistTo });
  try {
    const origin = stack.demoUrl;
    const sandboxCalls = async () => (await fetch(`${stack.sandboxUrl}/_sandbox/calls`)).json();

    const { sessionId } = await createSession(stack, origin);
    const polls = [];
    for (let i = 0; i < 20; i++)
      await fetch(`${stack.workerUrl}/v1/sessions/${sessionId}`, { headers: { Origin: origin } });
    for (let i = 0; i < POLLS; i++) {
      const started = performance.now();
      const response = await fetch(`${stack.workerUrl}/v1/sessions/${sessionId}`, {
        headers: { Origin: origin },
      });
      await response.arrayBuffer();
      polls.push(performance.now() - started);
    }
    log(`GET /v1/sessions/:id: ${summary(polls)}`);

    const before = await sandboxCalls();
    const afterCallback = [];
    const fromCallbackStart = [];
    let pushedFirst = 0;
    const exchanges = [];
    for (let i = 0; i < FLOWS; i++) {
      const session = await createSession(stack, origin);
      const stream = await openStream(stack, origin, session.sessionId);
      const phone = await fetch(session.qrUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'outcome=complete',
        redirect: 'manual',
      });
      const location = phone.headers.get('Location');
      const seen = stream.waitFor('completed');
      const sent = performance.now();
      const page = await fetch(location);
      await page.text();
      const handled = performance.now();
      const arrived = await seen;
      afterCallback.push(arrived - handled);
      fromCallbackStart.push(arrived - sent);
      if (arrived <= handled) pushedFirst++;
      await stream.close();
      exchanges.push(await timeExchange(stack, origin, session.sessionId));
    }
    const after = await sandboxCalls();
    log(
      `POST /v1/results/exchange, receipt logged and signed: ${summary(exchanges)}; floor, GET /v1/sessions/:id above`,
    );
    log(`status delivery, callback sent -> stream sees completed: ${summary(fromCallbackStart)}`);
    log(
      `status delivery, callback answered -> stream sees completed: ${summary(afterCallback)} (negative: the push beat the callback's own answer; ${pushedFirst}/${FLOWS} runs)`,
    );
    const calls =
      after.createQr - before.createQr + (after.fetchCompletedKyc - before.fetchCompletedKyc);
    log(
      `PayPay calls per completed verification: ${(calls / FLOWS).toFixed(2)} (createQr + fetchCompletedKyc over ${FLOWS} flows)`,
    );
  } finally {
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
