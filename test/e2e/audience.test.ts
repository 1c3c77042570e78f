import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_API_KEY, startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { playPhone, setMerchantOptions } from '../../scripts/lib/sandbox-client.mjs';
import { answers, openApiProblems, recordedFetch, stack } from './support';

// The responseToken's `aud` is the merchant's client ID, not its API key
// (docs/paypay-assumptions.md). Against wrangler dev: the shared stack sets no
// PAYPAY_CLIENT_ID, so the Worker derives it from the sandbox's PayPay-shaped
// key; a stack of its own sets it, with its Worker's log lines kept.

/** The sandbox key without its last `_` and four characters. */
const DERIVED_CLIENT_ID = SANDBOX_API_KEY.slice(0, -5);
const PANEL_CLIENT_ID = 'a_Panel00001';
const OTHER_CLIENT_ID = 'a_Other00001';

interface Target {
  workerUrl: string;
  sandboxUrl: string;
  merchantApiToken: string;
}

/**
 * A merchant session taken through the sandbox phone to the Worker's callback:
 * the `aud` the token carried, the status of the page the phone ends on, and the session's status.
 */
async function verify(target: Target) {
  const auth = { Authorization: `Bearer ${target.merchantApiToken}` };
  const created = await recordedFetch(`${target.workerUrl}/v1/sessions`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(created.status).toBe(201);
  const { sessionId, qrUrl } = created.json() as { sessionId: string; qrUrl: string };
  const played = await playPhone(qrUrl, 'complete');
  expect(played.status).toBe(303);
  const location = new URL(played.location!);
  const payload = location.searchParams.get('responseToken')!.split('.')[1]!;
  const { aud } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { aud: unknown };
  // The callback answers 303 to a token-free page; the page says the outcome.
  expect(played.callback!.status).toBe(303);
  const shown = played.page!;
  const page = await shown.text();
  answers.push({
    method: 'GET',
    url: played.pageUrl!,
    status: shown.status,
    contentType: shown.headers.get('Content-Type') ?? '',
    body: page,
  });
  const view = await recordedFetch(`${target.workerUrl}/v1/sessions/${sessionId}`, {
    headers: auth,
  });
  return {
    aud,
    pageStatus: shown.status,
    outcome: /data-outcome="([a-z]+)"/.exec(page)?.[1],
    status: (view.json() as { status: string }).status,
  };
}

describe('the shared stack, with no PAYPAY_CLIENT_ID', () => {
  it('completes a verification whose token carries the client ID derived from the key', async () => {
    expect(SANDBOX_API_KEY).toMatch(/^a_[A-Za-z0-9]{10}_[A-Za-z0-9]{4}$/);
    expect(await verify(stack())).toEqual({
      aud: DERIVED_CLIENT_ID,
      pageStatus: 200,
      outcome: 'completed',
      status: 'completed',
    });
  });

  it('still completes one whose token carries the API key', async () => {
    const { sandboxUrl } = stack();
    expect((await setMerchantOptions(sandboxUrl, { tokenAudience: 'apiKey' })).status).toBe(200);
    try {
      expect(await verify(stack())).toMatchObject({ aud: SANDBOX_API_KEY, status: 'completed' });
    } finally {
      await setMerchantOptions(sandboxUrl, {});
    }
  });
});

describe('a stack with PAYPAY_CLIENT_ID set', () => {
  let own: Stack;
  const lines: string[] = [];
  const persistTo = `.wrangler/test-e2e-audience-${process.pid}`;

  beforeAll(async () => {
    rmSync(persistTo, { recursive: true, force: true });
    own = await startStack({
      persistTo,
      demo: false,
      // PayPay's panel shows a client ID other than the key's start: the setting says so.
      workerOverrides: { PAYPAY_CLIENT_ID: PANEL_CLIENT_ID },
      sandboxOverrides: { SANDBOX_MERCHANT_OPTIONS: JSON.stringify({ clientId: PANEL_CLIENT_ID }) },
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await own?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  });

  /** The Worker's log lines about a refused audience, parsed (wrangler colours them: the JSON inside). */
  const refusals = () =>
    lines
      .filter((line) => line.startsWith('[worker] '))
      .map((line) => /(\{"type".*\})/.exec(line)?.[1])
      .filter((json): json is string => json !== undefined)
      .map((json) => JSON.parse(json) as Record<string, unknown>)
      .filter((line) => line.type === 'paypay' && String(line.what).includes('aud'));

  it('completes a verification whose token carries the configured client ID', async () => {
    expect(await verify(own)).toEqual({
      aud: PANEL_CLIENT_ID,
      pageStatus: 200,
      outcome: 'completed',
      status: 'completed',
    });
    expect(refusals()).toEqual([]);
  });

  it('refuses a token for another client ID: the session fails, a log line names it and the fix', async () => {
    const options = { clientId: PANEL_CLIENT_ID, tokenAudience: OTHER_CLIENT_ID };
    expect((await setMerchantOptions(own.sandboxUrl, options)).status).toBe(200);
    expect(await verify(own)).toEqual({
      aud: OTHER_CLIENT_ID,
      pageStatus: 200,
      outcome: 'failed',
      status: 'failed',
    });
    await expect.poll(() => refusals().length, { timeout: 10_000 }).toBe(1);
    expect(refusals()[0]).toEqual({
      type: 'paypay',
      what: 'responseToken refused: its aud is not this merchant',
      audienceSeen: [OTHER_CLIENT_ID],
      audienceExpected: `the client ID ${PANEL_CLIENT_ID} (PAYPAY_CLIENT_ID) or the API key`,
      fix: `if ${OTHER_CLIENT_ID} is your client ID (PayPay's developer panel), set PAYPAY_CLIENT_ID to ${OTHER_CLIENT_ID} (docs/deploy.md, step 5)`,
      requestId: expect.stringMatching(/^req_[0-9a-f]{24}$/),
    });
    expect(lines.join('\n')).not.toContain(SANDBOX_API_KEY);
  });

  it('says on /healthz that the client ID is configured', async () => {
    const health = await recordedFetch(`${own.workerUrl}/healthz`);
    expect(health.json()).toMatchObject({
      clientId: {
        source: 'configured',
        detail: `responseTokens are accepted for the client ID ${PANEL_CLIENT_ID} (PAYPAY_CLIENT_ID) or the API key.`,
      },
    });
  });

  it('every answer of this file matches docs/openapi.json', () => {
    expect(openApiProblems()).toEqual([]);
  });
});
