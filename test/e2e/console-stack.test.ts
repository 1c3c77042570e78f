import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playPhone } from '../../scripts/lib/sandbox-client.mjs';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { fileBrowser } from './support';

// The console against a Worker of its own (so its numbers are this file's
// alone), on a loopback host in development, where it opens without Access:
// the activity the test makes is what the overview shows.

const browser = fileBrowser();

describe('the console against a stack with activity', () => {
  let own: Stack;
  const persistTo = `.wrangler/test-e2e-console-${process.pid}`;

  /** A merchant session, read once (shown), played on the phone with `outcome`. */
  async function verification(outcome: string): Promise<void> {
    const created = await fetch(`${own.workerUrl}/v1/sessions`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${own.merchantApiToken}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    const { sessionId, qrUrl } = (await created.json()) as { sessionId: string; qrUrl: string };
    await (await fetch(`${own.workerUrl}/v1/sessions/${sessionId}`)).text();
    const played = await playPhone(qrUrl, outcome);
    expect(played.status).toBe(303);
  }

  beforeAll(async () => {
    rmSync(persistTo, { recursive: true, force: true });
    own = await startStack({ persistTo, demo: false, log: () => {} });
    for (let i = 0; i < 7; i++) await verification('complete');
    for (let i = 0; i < 2; i++) await verification('decline');
  }, 120_000);

  afterAll(async () => {
    await own?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  });

  it('shows the funnel and the failures the test made, in the browser', async () => {
    const context = await browser().newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const answer = await page.goto(`${own.workerUrl}/console?lang=en#/`);
    expect(answer?.status()).toBe(200);
    await page.locator('select').first().selectOption('en');
    const funnel = page.locator('.funnel li');
    await expect
      .poll(async () => (await funnel.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()))
      .toEqual(['Created 9', 'Shown 9', 'Authorized 7', 'Completed 7']);
    const failures = page.locator('#h-failures').locator('..').locator('tbody tr');
    await expect
      .poll(() => failures.allTextContents())
      .toEqual([expect.stringMatching(/declined\s*2/)]);
    await context.close();
  });

  it('serves the console only under /console, and its API only with the bearer on /v1', async () => {
    expect((await fetch(`${own.workerUrl}/console/`)).status).toBe(200);
    expect((await fetch(`${own.workerUrl}/v1/metrics`)).status).toBe(401);
    // Development on loopback opens the console's own API paths, not /v1.
    expect((await fetch(`${own.workerUrl}/console/api/v1/metrics`)).status).toBe(200);
  });
});
