import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';

/** The allowed origin and merchant token of the test settings (test/worker/project.ts). */
export const ORIGIN = 'https://shop.example';

/**
 * Where the tests reach the Worker: a loopback host, as `wrangler dev` serves
 * it, where the test settings' ENVIRONMENT=development is honoured. A test of
 * production rules names a public host itself (`https://kyc.example`).
 */
export const WORKER_ORIGIN = 'http://127.0.0.1:8787';
export const MERCHANT_TOKEN = 'test_merchant_token_0123456789abcdef';

let ipCounter = 0;
/** A client of its own (an IPv6 /64), so the per-client creation limit never couples tests. */
export function freshIp(): string {
  ipCounter += 1;
  return `2001:db8:${ipCounter.toString(16)}::1`;
}

/** The Durable Object of a session: the object id is the part before the dot. */
export function sessionObjectOf(sessionId: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromString(sessionId.split('.')[0]!));
}

/**
 * A test setting (test/worker/project.ts) by name. Secrets are not in the
 * generated `Env` (wrangler.jsonc only names them in a comment), so they are read
 * the way the Worker reads every setting: as plain strings.
 */
export function testSetting(name: string): string {
  return (env as unknown as Record<string, string>)[name] ?? '';
}

/** A request to the Worker under test; its redirects are answers to read, not to follow. */
export function worker(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`${WORKER_ORIGIN}${path}`, { redirect: 'manual', ...init }),
  );
}

/** `POST /v1/sessions` as the element would send it. */
export function postSession(
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return worker('/v1/sessions', {
    method: 'POST',
    headers: {
      Origin: ORIGIN,
      'Content-Type': 'application/json',
      'CF-Connecting-IP': freshIp(),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A created session, checked. */
export async function newSession(
  body: unknown = {},
): Promise<{ sessionId: string; qrUrl: string; expiresAt: string }> {
  const response = await postSession(body);
  expect(response.status).toBe(201);
  return response.json();
}

/**
 * Plays the PayPay user on the sandbox phone page and returns the callback URL
 * PayPay would send the phone to (or null when the outcome does not redirect).
 */
export async function phone(
  qrUrl: string,
  outcome: string,
  fields: Record<string, string> = {},
): Promise<string | null> {
  const response = await fetch(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...fields }),
    redirect: 'manual',
  });
  if (response.status !== 303) return null;
  return response.headers.get('Location');
}

/**
 * The phone arriving at our callback (the path of PayPay's redirect, on the
 * Worker) and following its 303, as a browser does: the page it ends on.
 */
export async function arrive(
  callbackUrl: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = new URL(callbackUrl);
  const answer = await worker(url.pathname + url.search, { headers });
  expect(answer.status).toBe(303);
  const done = new URL(answer.headers.get('Location')!);
  expect(done.search).not.toContain('responseToken');
  return worker(done.pathname + done.search, { headers });
}

/** `POST /v1/results/exchange` as the merchant's server. */
export function exchange(resultToken: unknown, token = MERCHANT_TOKEN): Promise<Response> {
  return worker('/v1/results/exchange', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ resultToken }),
  });
}

/** A session taken all the way to `completed`; returns its id and result token. */
export async function completedSession(
  body: unknown = {},
): Promise<{ sessionId: string; resultToken: string }> {
  const session = await newSession(body);
  const location = await phone(session.qrUrl, 'complete');
  expect(location).not.toBeNull();
  expect((await arrive(location!)).status).toBe(200);
  const view = await (
    await worker(`/v1/sessions/${session.sessionId}`, { headers: { Origin: ORIGIN } })
  ).json<{ resultToken: string }>();
  return { sessionId: session.sessionId, resultToken: view.resultToken };
}

/** The error envelope every failure carries, checked. */
export async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  const body = await response.json<{
    error: { code: string; message: string; requestId: string };
  }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.requestId).toMatch(/^req_[0-9a-f]{24}$/);
}
