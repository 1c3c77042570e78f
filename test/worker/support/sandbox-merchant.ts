import { Buffer } from 'node:buffer';
import { expect } from 'vitest';
import { PayPayClient } from '../../../worker/paypay/client';
import { codeChallengeS256, createCodeVerifier } from '../../../worker/paypay/pkce';
import { paypayShapedKey } from './sandbox';

/**
 * A merchant of the test file's own at the sandbox: its faults and counters are
 * the file's alone (each file has a workerd, so a copy of this module, of its own).
 */
export const { apiKey: KEY, clientId: CLIENT_ID } = paypayShapedKey();
/** What the sandbox's tokens carry in `aud`: the client ID, as PayPay's. */
export const AUDIENCES = [CLIENT_ID, KEY];
/** Its secret, merchant id, and the sandbox's URL. */
export const SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
export const MERCHANT_ID = 'M-CLIENT-1';
export const BASE = 'https://sandbox.test';
const admin = { 'X-Sandbox-Api-Key': KEY, 'Content-Type': 'application/json' };

/** A call to the sandbox's admin API as this merchant, checked to succeed. */
export async function adminCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${BASE}/_sandbox${path}`, {
    method,
    headers: admin,
    body: body === undefined ? null : JSON.stringify(body),
  });
  expect(response.ok, `${method} ${path}`).toBe(true);
  return response.json<Record<string, unknown>>();
}

/** A PayPayClient signing as this merchant, that never sleeps between retries. */
export function client(extra: Partial<ConstructorParameters<typeof PayPayClient>[0]> = {}) {
  return new PayPayClient({
    baseUrl: BASE,
    apiKey: KEY,
    apiSecret: SECRET,
    merchantId: MERCHANT_ID,
    sleep: async () => {},
    ...extra,
  });
}

/** A new sandbox user of this merchant. */
export async function user(body: Record<string, unknown> = {}): Promise<string> {
  return String((await adminCall('POST', '/users', body)).userAuthorizationId);
}

/** A KYC Passport QR created through the client, with its PKCE verifier and nonce. */
export async function qr(c = client()) {
  const verifier = createCodeVerifier();
  const nonce = `n-${crypto.randomUUID()}`;
  const created = await c.createKycPassportQr({
    scopes: ['kyc_passport_qr', 'kyc_foreign_status'],
    nonce,
    redirectUrl: 'https://kyc.example/v1/callback',
    redirectType: 'WEB_LINK',
    codeChallenge: await codeChallengeS256(verifier),
    referenceId: 'client-test',
  });
  if (!created.ok) throw new Error(`create failed: ${created.code}`);
  return { ...created.data, verifier, nonce, requestId: created.requestId };
}

/** Plays the phone: picks `outcome` on the QR's page; returns the responseToken. */
export async function approve(qrUrl: string, outcome: string): Promise<string> {
  const response = await fetch(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome }),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('Location')!).searchParams.get('responseToken')!;
}
