import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { openRecon } from '../../../worker/recon/download';
import { processRecon, RECON_LIMITS } from '../../../worker/recon/process';
import { claimFile, feed, uid } from '../support/webhooks';

// Issue 20: a recon host that trickles (a byte now and then, never stalling
// long enough for the per-chunk timeout) must not keep an invocation busy.

const encode = (text: string) => new TextEncoder().encode(text);
const hosts = new Set(['sandbox.test']);

/** A body that sends `head` at once, then one more byte every `gapMs`, forever (until cancelled). */
function trickle(head: string, gapMs: number): Response {
  let sentHead = false;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sentHead) {
          sentHead = true;
          return controller.enqueue(encode(head));
        }
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        controller.enqueue(encode('x'));
      },
    }),
  );
}

/** Reads an opened file to its end or its first failure; how long that took. */
async function readAll(path: string, options: Parameters<typeof openRecon>[1]) {
  const startedAt = Date.now();
  const opened = await openRecon(path, options);
  if (!opened.ok) return { result: opened.error, ms: Date.now() - startedAt };
  for (;;) {
    const chunk = await opened.value.read();
    if (!chunk.ok) return { result: chunk.error, ms: Date.now() - startedAt };
    if (chunk.value === null) return { result: 'end', ms: Date.now() - startedAt };
  }
}

function fileRow(notificationId: string) {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<{ state: string; attempts: number; processed: number; last_error: string | null }>(
        'SELECT state, attempts, processed, last_error FROM recon_files WHERE notification_id = ?',
        notificationId,
      )
      .one(),
  );
}

describe('the download deadline', () => {
  it('ends a trickling body at the deadline, though no chunk waits long', async () => {
    const { result, ms } = await readAll('https://sandbox.test/f.csv', {
      allowedHosts: hosts,
      timeoutMs: 1_000,
      deadline: Date.now() + 300,
      fetch: async () => trickle('userAuthorizationId\n', 20),
    });
    expect(result).toBe('TOO_SLOW');
    expect(ms).toBeLessThan(1_000);
  });

  it('has a total deadline of its own when the caller gives none', async () => {
    const { result } = await readAll('https://sandbox.test/f.csv', {
      allowedHosts: hosts,
      timeoutMs: 1_000,
      totalMs: 300,
      fetch: async () => trickle('u-1\n', 20),
    });
    expect(result).toBe('TOO_SLOW');
  });

  it('counts the wait for the headers against the deadline too', async () => {
    const { result, ms } = await readAll('https://sandbox.test/f.csv', {
      allowedHosts: hosts,
      timeoutMs: 5_000,
      deadline: Date.now() + 200,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    expect(result).toBe('TOO_SLOW');
    expect(ms).toBeLessThan(2_000);
  });
});

describe('processing a file from a trickling host', () => {
  const config = parseConfig(env as unknown as Record<string, string>);

  it('gives up at the budget deadline as a failed attempt when nothing was recorded', async () => {
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const budget = { deadline: Date.now() + 400, calls: 100 };
    const startedAt = Date.now();
    const outcome = await processRecon(
      env,
      config,
      claim,
      now,
      async () => trickle(`${uid('t')}\n`, 20),
      budget,
    );
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    // An attempt (backed off, lost when PayPay's window closes): a trickling host
    // cannot hold the front of the queue the way a paused file does.
    expect(outcome).toBe('retry');
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'TOO_SLOW',
    });
  });

  it('pauses at the budget deadline, keeping what it recorded, when the file was moving', async () => {
    const ids = Array.from({ length: RECON_LIMITS.batch }, () => uid('m'));
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const budget = { deadline: Date.now() + 1_500, calls: 100 };
    const outcome = await processRecon(
      env,
      config,
      claim,
      now,
      async () => trickle(`userAuthorizationId\n${ids.join('\n')}\n`, 20),
      budget,
    );
    expect(outcome).toBe('paused');
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'pending',
      attempts: 0,
      processed: RECON_LIMITS.batch,
      last_error: null,
    });
  });
});
