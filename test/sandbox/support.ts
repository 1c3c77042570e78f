import { expect } from 'vitest';
import { newRequestNonce, opaAuthHeader } from '../../worker/paypay/signing';
import { paypayShapedKey } from '../worker/support/sandbox';

// The sandbox tests run in the worker project (test/worker/project.ts): every
// outbound fetch reaches the sandbox, whatever the host. Each test registers a
// merchant of its own, so no state leaks between tests.

/** The sandbox's origin as these tests reach it. */
export const BASE = 'http://sandbox.test';
/** PayPay's X-REQUEST-ID as the sandbox makes it. */
export const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

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
  requestId: string | null;
  headers: Headers;
}

/** How a signed call is made; by default a correct one. */
export interface CallOptions {
  body?: unknown;
  /** Raw bytes to send instead of JSON.stringify(body). */
  rawBody?: string;
  /** Bytes to sign when they should differ from what is sent. */
  signedBody?: string;
  query?: string;
  epoch?: number;
  nonce?: string;
  secret?: string;
  headers?: Record<string, string>;
}

const encoder = new TextEncoder();

/** Real time in epoch seconds. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A base64 API secret, as PayPay issues them. */
export function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

/**
 * `PUT /_sandbox/merchant` with a fresh API key of PayPay's shape (or the
 * `apiKey` given) and secret, and these fields.
 */
export async function putMerchant(
  extra: Record<string, unknown> = {},
): Promise<{ res: Response; apiKey: string; apiSecret: string }> {
  const apiKey = typeof extra.apiKey === 'string' ? extra.apiKey : paypayShapedKey().apiKey;
  const apiSecret = randomSecret();
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

/** A signed PayPay API call, built with our own client's signer. */
export async function call(
  merchant: TestMerchant,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const sent =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const signed = options.signedBody ?? sent;
  const authorization = opaAuthHeader({
    apiKey: merchant.apiKey,
    apiSecret: options.secret ?? merchant.apiSecret,
    method,
    path,
    contentType: 'application/json',
    ...(signed === undefined ? {} : { body: encoder.encode(signed) }),
    nonce: options.nonce ?? newRequestNonce(),
    epoch: options.epoch ?? nowSeconds(),
  });
  return fetch(`${BASE}${path}${options.query ?? ''}`, {
    method,
    headers: {
      Authorization: authorization,
      ...(sent === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(sent === undefined ? {} : { body: sent }),
  });
}

/** An answer read as PayPay's envelope. */
export async function envelopeOf(res: Response): Promise<Envelope> {
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
    requestId: res.headers.get('X-REQUEST-ID'),
    headers: res.headers,
  };
}

/** A signed call, its envelope. */
export async function answer(
  merchant: TestMerchant,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Envelope> {
  return envelopeOf(await call(merchant, method, path, options));
}

/** An admin call for `merchant`, the answer as is. */
export function admin(merchant: TestMerchant, method: string, path: string, body?: unknown) {
  return fetch(`${BASE}/_sandbox${path}`, {
    method,
    headers: { 'X-Sandbox-Api-Key': merchant.apiKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** An admin call for `merchant`; status and JSON body. */
export async function adminJson<T = Record<string, unknown>>(
  merchant: TestMerchant,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await admin(merchant, method, path, body);
  return { status: res.status, body: await res.json<T>() };
}

/** One logged delivery try. */
export interface Delivery {
  url: string;
  kind: string;
  notificationId: string;
  attempt: number;
  status?: number;
  error?: string;
  contentType: string | null;
  body: string;
  at: number;
}

/** The merchant's delivery log, oldest first. */
export async function deliveries(merchant: TestMerchant): Promise<Delivery[]> {
  return (await adminJson<{ deliveries: Delivery[] }>(merchant, 'GET', '/deliveries')).body
    .deliveries;
}

/** Phone outcomes send webhooks in the background: wait until they are logged. */
export async function waitForDeliveries(
  merchant: TestMerchant,
  count: number,
): Promise<Delivery[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const log = await deliveries(merchant);
    if (log.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Sets what the sandbox answers about a user. */
export function setStanding(merchant: TestMerchant, uaid: string, standing: string) {
  return admin(merchant, 'POST', `/users/${uaid}/standing`, { standing });
}

/** `GET /v1/kyc/passport` for a user. */
export function passportInfo(merchant: TestMerchant, uaid: string) {
  return answer(merchant, 'GET', '/v1/kyc/passport', {
    headers: { 'X-USER-AUTHORIZATION-ID': uaid },
  });
}

/** `GET /v2/user/kycInfo` with this query string. */
export function userKycInfo(merchant: TestMerchant, query: string) {
  return answer(merchant, 'GET', '/v2/user/kycInfo', { query });
}

/** PayPay's 401 UNAUTHORIZED, with a request id. */
export function expectUnauthorized(env: Envelope): void {
  expect(env.status).toBe(401);
  expect(env.code).toBe('UNAUTHORIZED');
  expect(env.codeId).toBe('08100016');
  expect(env.requestId).toMatch(REQUEST_ID);
}
