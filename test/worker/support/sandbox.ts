import { expect } from 'vitest';
import { testSetting } from './flow';

/** The sandbox's origin, as the Worker under test reaches it (PAYPAY_API_BASE_URL). */
export const SANDBOX = 'https://sandbox.test';

/**
 * This file's merchant at the sandbox: the one the Worker under test signs as
 * (PAYPAY_API_KEY). Each test file runs in a workerd of its own, with a sandbox of
 * its own (test/worker/project.ts), so its faults, counters, users and sessions
 * are this file's alone.
 */
export const MERCHANT = {
  apiKey: testSetting('PAYPAY_API_KEY'),
  apiSecret: testSetting('PAYPAY_API_SECRET'),
};

/** `/_sandbox<path>` for this file's merchant. */
export function sandboxAdmin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${SANDBOX}/_sandbox${path}`, {
    method,
    headers: { 'X-Sandbox-Api-Key': MERCHANT.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

/** Adds a sandbox fault for this file's merchant, or clears them all (`null`). */
export async function fault(spec: Record<string, unknown> | null): Promise<void> {
  const response = await sandboxAdmin(spec ? 'PUT' : 'DELETE', '/faults', spec ?? undefined);
  expect(response.ok).toBe(true);
}

/** Calls per PayPay operation the sandbox has received from the Worker. */
export async function sandboxCalls(): Promise<Record<string, number>> {
  return (await sandboxAdmin('GET', '/calls')).json();
}

/** A user linked at PayPay without the phone flow (`POST /_sandbox/users`); its id. */
export async function newUser(fields: Record<string, unknown>): Promise<string> {
  const response = await sandboxAdmin('POST', '/users', fields);
  expect(response.status).toBe(201);
  return (await response.json<{ userAuthorizationId: string }>()).userAuthorizationId;
}

/** Changes what PayPay (the sandbox) answers about a user. */
export async function setStanding(uaid: string, standing: string): Promise<void> {
  const response = await sandboxAdmin('POST', `/users/${uaid}/standing`, { standing });
  expect(response.ok).toBe(true);
}

/** What the Worker's createQr sent for the QR at `qrUrl`, as the sandbox stored it. */
export async function sandboxSession(qrUrl: string): Promise<Record<string, unknown>> {
  const codeId = qrUrl.split('/').pop()!;
  return (await sandboxAdmin('GET', `/sessions/${codeId}`)).json();
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh API key of PayPay's shape: the client ID (`a_` and 10 letters or
 * digits), then `_` and 4 more (docs/paypay-assumptions.md).
 */
export function paypayShapedKey(): { apiKey: string; clientId: string } {
  const random = (length: number) =>
    Array.from(
      crypto.getRandomValues(new Uint8Array(length)),
      (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length],
    ).join('');
  const clientId = `a_${random(10)}`;
  return { apiKey: `${clientId}_${random(4)}`, clientId };
}

/**
 * Another merchant at the sandbox, registered with these options, with a key
 * of PayPay's shape; the PayPay settings that make the Worker sign as it, to
 * pass as overrides.
 */
export async function otherMerchant(
  prefix: string,
  options: Record<string, unknown>,
): Promise<{ PAYPAY_API_KEY: string; PAYPAY_API_SECRET: string }> {
  const { apiKey } = paypayShapedKey();
  const apiSecret = btoa(`${prefix} secret ${crypto.randomUUID()}`);
  const response = await fetch(`${SANDBOX}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey, apiSecret, ...options }),
  });
  expect(response.status).toBe(200);
  return { PAYPAY_API_KEY: apiKey, PAYPAY_API_SECRET: apiSecret };
}
