import { expect } from 'vitest';
import { newRequestNonce, opaAuthHeader } from '../../../worker/paypay/signing';

/** Every outbound fetch of the test Worker reaches the sandbox, whatever the host. */
export const BASE = 'http://sandbox.test';

/** A merchant registered for one test: its state is its own. */
export interface TestMerchant {
  apiKey: string;
  apiSecret: string;
  tenant: string;
}

/** A PayPay envelope answer, read. */
export interface Envelope {
  status: number;
  code: string;
  codeId: string | undefined;
  message: string;
  data: Record<string, unknown> | null;
  headers: Headers;
}

const encoder = new TextEncoder();

/** `PUT /_sandbox/merchant` with a fresh API key and secret, and these fields. */
export async function putMerchant(
  extra: Record<string, unknown> = {},
): Promise<{ res: Response; apiKey: string; apiSecret: string }> {
  const apiSecret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const apiKey = `variant_${crypto.randomUUID()}`;
  const res = await fetch(`${BASE}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey, apiSecret, ...extra }),
  });
  return { res, apiKey, apiSecret };
}

/** A fresh merchant with these registration fields. */
export async function registerMerchant(extra: Record<string, unknown> = {}): Promise<TestMerchant> {
  const { res, apiKey, apiSecret } = await putMerchant(extra);
  expect(res.status).toBe(200);
  const { tenant } = await res.json<{ tenant: string }>();
  return { apiKey, apiSecret, tenant };
}

/** A signed PayPay call; `epoch` defaults to real time. */
export async function call(
  merchant: TestMerchant,
  method: 'GET' | 'POST',
  path: string,
  options: {
    body?: unknown;
    query?: string;
    epoch?: number;
    headers?: Record<string, string>;
  } = {},
): Promise<Envelope> {
  const sent = options.body === undefined ? undefined : JSON.stringify(options.body);
  const authorization = opaAuthHeader({
    apiKey: merchant.apiKey,
    apiSecret: merchant.apiSecret,
    method,
    path,
    contentType: 'application/json',
    ...(sent === undefined ? {} : { body: encoder.encode(sent) }),
    nonce: newRequestNonce(),
    epoch: options.epoch ?? Math.floor(Date.now() / 1000),
  });
  const res = await fetch(`${BASE}${path}${options.query ?? ''}`, {
    method,
    headers: {
      Authorization: authorization,
      ...(sent === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(sent === undefined ? {} : { body: sent }),
  });
  const body = await res.json<{
    resultInfo: { code: string; codeId?: string; message: string };
    data: Record<string, unknown> | null;
  }>();
  return {
    status: res.status,
    code: body.resultInfo.code,
    codeId: body.resultInfo.codeId,
    message: body.resultInfo.message,
    data: body.data,
    headers: res.headers,
  };
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A valid createQr body (the Worker's default scopes), with overrides. */
export async function qrBody(
  overrides: Record<string, unknown> = {},
): Promise<{ body: Record<string, unknown>; verifier: string }> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(verifier));
  const body = {
    scopes: ['kyc_passport_qr', 'mini_app_kyc_passport'],
    nonce: `n_${crypto.randomUUID()}`,
    redirectType: 'WEB_LINK',
    redirectUrl: 'https://shop.example/kyc/callback',
    accountLinkFlow: 'KYC_PASSPORT',
    kycPassport: { codeChallenge: base64Url(new Uint8Array(digest)), codeChallengeMethod: 'S256' },
    ...overrides,
  };
  return { body, verifier };
}

/** Creates a QR; the envelope as answered. */
export async function createQr(
  merchant: TestMerchant,
  overrides: Record<string, unknown> = {},
  epoch?: number,
): Promise<Envelope & { verifier: string }> {
  const { body, verifier } = await qrBody(overrides);
  const env = await call(merchant, 'POST', '/v1/qr/sessions', {
    body,
    ...(epoch === undefined ? {} : { epoch }),
  });
  return { ...env, verifier };
}

/** The phone approves the QR at `link`; the user's id from the redirect's token. */
export async function approve(link: string): Promise<string> {
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome: 'complete' }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const token = new URL(res.headers.get('Location') ?? '').searchParams.get('responseToken') ?? '';
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return String((JSON.parse(json) as { userAuthorizationId?: string }).userAuthorizationId);
}

/** An admin call for `merchant`; status and JSON body. */
export async function admin<T = Record<string, unknown>>(
  merchant: TestMerchant,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${BASE}/_sandbox${path}`, {
    method,
    headers: { 'X-Sandbox-Api-Key': merchant.apiKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json<T>() };
}

/** One logged delivery try. */
export interface Delivery {
  url: string;
  attempt: number;
  status?: number;
  contentType: string | null;
  body: string;
  at: number;
}

/** The merchant's delivery log, oldest first. */
export async function deliveries(merchant: TestMerchant): Promise<Delivery[]> {
  return (await admin<{ deliveries: Delivery[] }>(merchant, 'GET', '/deliveries')).body.deliveries;
}
