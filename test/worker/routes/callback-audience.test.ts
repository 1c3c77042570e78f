import { Buffer } from 'node:buffer';
import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionView } from '../../../shared/wire';
import handler from '../../../worker/index';
import { newSession, ORIGIN, phone, testSetting, worker, WORKER_ORIGIN } from '../support/flow';
import { MERCHANT, SANDBOX } from '../support/sandbox';

// The responseToken's `aud` is the merchant's client ID, not its API key
// (docs/paypay-assumptions.md). The test key has PayPay's shape, so the Worker
// derives the client ID with no setting; the sandbox mints `aud` as the
// merchant's `tokenAudience` variant says.

const API_KEY = testSetting('PAYPAY_API_KEY');
/** The key without its last `_` and four characters. */
const CLIENT_ID = API_KEY.slice(0, -5);
const PANEL_CLIENT_ID = 'a_Panel00001';
const OTHER_CLIENT_ID = 'a_Other00001';

/** Re-registers this file's sandbox merchant with a `tokenAudience` variant (none: the default). */
async function tokenAudience(value?: string | string[]): Promise<void> {
  const response = await fetch(`${SANDBOX}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...MERCHANT, ...(value === undefined ? {} : { tokenAudience: value }) }),
  });
  expect(response.status).toBe(200);
}

/** A new session, approved on the sandbox phone: the callback URL PayPay sends the phone to. */
async function approvedSession(): Promise<{ sessionId: string; location: URL }> {
  const { sessionId, qrUrl } = await newSession();
  const location = await phone(qrUrl, 'complete');
  expect(location).not.toBeNull();
  return { sessionId, location: new URL(location!) };
}

/** The `aud` of the responseToken in PayPay's redirect (read, not verified). */
function audienceOf(location: URL): unknown {
  const payload = location.searchParams.get('responseToken')!.split('.')[1]!;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { aud: unknown }).aud;
}

/**
 * The phone arriving at a Worker whose settings are the test ones plus
 * `overrides`, and following its 303 as a browser does: the page it ends on.
 */
async function arriveAt(location: URL, overrides: Record<string, string> = {}) {
  const answer = await fetchWith(`${location.pathname}${location.search}`, overrides);
  const next = answer.headers.get('Location');
  if (answer.status !== 303 || next === null) return { status: answer.status, outcome: undefined };
  const done = new URL(next);
  expect(done.search).not.toContain('responseToken');
  const response = await fetchWith(`${done.pathname}${done.search}`, overrides);
  const html = await response.text();
  return { status: response.status, outcome: /data-outcome="([a-z]+)"/.exec(html)?.[1] };
}

/** One request to the Worker with the test settings plus `overrides`, its redirect not followed. */
async function fetchWith(path: string, overrides: Record<string, string>): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${WORKER_ORIGIN}${path}`, {
    headers: { 'Accept-Language': 'en' },
    redirect: 'manual',
  }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await handler.fetch(request, { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function viewOf(sessionId: string): Promise<SessionView> {
  const response = await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } });
  return response.json<SessionView>();
}

async function statusOf(sessionId: string): Promise<string> {
  return (await viewOf(sessionId)).status;
}

describe("GET /v1/callback: the token's audience", () => {
  const errors: string[] = [];
  beforeEach(() => {
    errors.length = 0;
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      errors.push(String(line));
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await tokenAudience();
  });

  /** The Worker's log lines about refused audiences, parsed. */
  const refusals = () =>
    errors
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'paypay' && String(line.what).includes('aud'));

  it('completes a session whose token carries the client ID derived from the key, with no setting', async () => {
    expect(API_KEY).toMatch(/^a_[A-Za-z0-9]{10}_[A-Za-z0-9]{4}$/);
    const { sessionId, location } = await approvedSession();
    expect(audienceOf(location)).toBe(CLIENT_ID);
    expect(await arriveAt(location)).toEqual({ status: 200, outcome: 'completed' });
    expect(await statusOf(sessionId)).toBe('completed');
    expect(refusals()).toEqual([]);
  });

  it.each([
    ['the API key', 'apiKey', API_KEY],
    [
      'a list holding the client ID',
      ['https://other.example', 'clientId'],
      ['https://other.example', CLIENT_ID],
    ],
  ])('still completes a session whose token carries %s', async (_, variant, aud) => {
    await tokenAudience(variant);
    const { sessionId, location } = await approvedSession();
    expect(audienceOf(location)).toEqual(aud);
    expect(await arriveAt(location)).toEqual({ status: 200, outcome: 'completed' });
    expect(await statusOf(sessionId)).toBe('completed');
  });

  it('completes with PAYPAY_CLIENT_ID set to the client ID the tokens carry', async () => {
    await tokenAudience(PANEL_CLIENT_ID);
    const { sessionId, location } = await approvedSession();
    expect(audienceOf(location)).toBe(PANEL_CLIENT_ID);
    const settings = { PAYPAY_CLIENT_ID: PANEL_CLIENT_ID };
    expect(await arriveAt(location, settings)).toEqual({ status: 200, outcome: 'completed' });
    expect(await statusOf(sessionId)).toBe('completed');
    expect(refusals()).toEqual([]);
  });

  it('refuses a token for another client ID: the session failed as PAYPAY_ERROR, one log line with the fix', async () => {
    await tokenAudience(OTHER_CLIENT_ID);
    const { sessionId, location } = await approvedSession();
    expect(await arriveAt(location)).toEqual({ status: 200, outcome: 'failed' });
    expect(await viewOf(sessionId)).toMatchObject({
      status: 'failed',
      error: { reason: 'PAYPAY_ERROR' },
    });
    expect(refusals()).toEqual([
      {
        type: 'paypay',
        what: 'responseToken refused: its aud is not this merchant',
        audienceSeen: [OTHER_CLIENT_ID],
        audienceExpected: `the client ID ${CLIENT_ID} (derived from PAYPAY_API_KEY) or the API key`,
        fix: `if ${OTHER_CLIENT_ID} is your client ID (PayPay's developer panel), set PAYPAY_CLIENT_ID to ${OTHER_CLIENT_ID} (docs/deploy.md, step 5)`,
        requestId: expect.stringMatching(/^req_[0-9a-f]{24}$/),
      },
    ]);
    expect(errors.join('\n')).not.toContain(API_KEY);
  });

  it('names the configured client ID when PAYPAY_CLIENT_ID is set and the token carries another', async () => {
    await tokenAudience(OTHER_CLIENT_ID);
    const { location } = await approvedSession();
    const settings = { PAYPAY_CLIENT_ID: PANEL_CLIENT_ID };
    expect(await arriveAt(location, settings)).toEqual({ status: 200, outcome: 'failed' });
    expect(refusals()).toMatchObject([
      {
        audienceSeen: [OTHER_CLIENT_ID],
        audienceExpected: `the client ID ${PANEL_CLIENT_ID} (PAYPAY_CLIENT_ID) or the API key`,
      },
    ]);
  });

  it('logs nothing about the audience of a token forged with another key', async () => {
    await tokenAudience(OTHER_CLIENT_ID);
    const { location } = await approvedSession();
    const [head, body] = location.searchParams.get('responseToken')!.split('.');
    location.searchParams.set('responseToken', `${head}.${body}.${'A'.repeat(43)}`);
    expect(await arriveAt(location)).toEqual({ status: 400, outcome: 'invalid' });
    expect(refusals()).toEqual([]);
  });

  it('answers the failed page (503) while PAYPAY_CLIENT_ID is malformed', async () => {
    const { sessionId, location } = await approvedSession();
    const settings = { PAYPAY_CLIENT_ID: 'has a space' };
    expect(await arriveAt(location, settings)).toEqual({ status: 503, outcome: 'failed' });
    expect(await statusOf(sessionId)).toBe('pending');
  });
});

describe('/healthz on the client ID', () => {
  it('says it was derived from the key, or configured, naming the client ID only', async () => {
    const derived = await worker('/healthz');
    const body = await derived.json<{ clientId: { source: string; detail: string } }>();
    expect(body.clientId).toEqual({
      source: 'derived',
      detail: `responseTokens are accepted for the client ID ${CLIENT_ID}, derived from PAYPAY_API_KEY (PayPay's shape: a_ and 10 characters, then _ and 4; the last _ and 4 dropped), or the API key.`,
    });
    const configured = await fetchWith('/healthz', { PAYPAY_CLIENT_ID: PANEL_CLIENT_ID });
    const text = await configured.text();
    expect(JSON.parse(text)).toMatchObject({
      clientId: {
        source: 'configured',
        detail: `responseTokens are accepted for the client ID ${PANEL_CLIENT_ID} (PAYPAY_CLIENT_ID) or the API key.`,
      },
    });
    expect(text).not.toContain(API_KEY);
  });
});
