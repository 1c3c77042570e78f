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

/** Base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Base64url, padded or not, decoded. */
export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
}

/** A PKCE verifier and its S256 challenge. */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

/** A valid createQr body, with overrides. */
export async function qrBody(overrides: Record<string, unknown> = {}) {
  const { verifier, challenge } = await pkce();
  const body = {
    // What the Worker's default QR asks for: the completed-QR fetch and KYC Passport info.
    scopes: ['kyc_passport_qr', 'mini_app_kyc_passport'],
    nonce: `n_${crypto.randomUUID()}`,
    redirectType: 'WEB_LINK',
    redirectUrl: 'https://shop.example/kyc/callback',
    referenceId: 'user-42',
    accountLinkFlow: 'KYC_PASSPORT',
    kycPassport: { codeChallenge: challenge, codeChallengeMethod: 'S256' },
    ...overrides,
  };
  return { body, verifier };
}

/** A created QR, as the tests use it. */
export interface Qr {
  codeId: string;
  link: string;
  expiryDate: number;
  verifier: string;
  nonce: string;
}

/** Creates a QR (with `referenceId` user-42), checked to be 201. */
export async function newQr(
  merchant: TestMerchant,
  overrides: Record<string, unknown> = {},
): Promise<Qr> {
  const { body, verifier } = await qrBody(overrides);
  const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
  expect(env.status).toBe(201);
  const data = env.data as { codeId: string; linkQRCodeURL: string; expiryDate: number };
  return {
    codeId: data.codeId,
    link: data.linkQRCodeURL,
    expiryDate: data.expiryDate,
    verifier,
    nonce: body.nonce,
  };
}

/** Creates a QR (no `referenceId`); the envelope as answered. */
export async function createQr(
  merchant: TestMerchant,
  overrides: Record<string, unknown> = {},
  epoch?: number,
): Promise<Envelope & { verifier: string }> {
  const { body, verifier } = await qrBody({ referenceId: undefined, ...overrides });
  const env = await answer(merchant, 'POST', '/v1/qr/sessions', {
    body,
    ...(epoch === undefined ? {} : { epoch }),
  });
  return { ...env, verifier };
}

/** The person on the phone picks an outcome. */
export function answerPhone(link: string, outcome: string, extra: Record<string, string> = {}) {
  return fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...extra }).toString(),
    redirect: 'manual',
  });
}

/** The phone approves the QR at `link`; the user's id from the redirect's token. */
export async function approve(link: string): Promise<string> {
  const res = await answerPhone(link, 'complete');
  expect(res.status).toBe(303);
  const token = new URL(res.headers.get('Location') ?? '').searchParams.get('responseToken') ?? '';
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return String((JSON.parse(json) as { userAuthorizationId?: string }).userAuthorizationId);
}

/** A responseToken, decoded. */
export interface Jwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  validSignature: boolean;
}

/** Decodes a responseToken and checks HS256 with the base64-DECODED secret, as PayPay signs. */
export async function readJwt(token: string, apiSecret: string): Promise<Jwt> {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const key = await crypto.subtle.importKey(
    'raw',
    Uint8Array.from(atob(apiSecret), (c) => c.charCodeAt(0)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const validSignature = await crypto.subtle.verify(
    'HMAC',
    key,
    fromBase64Url(signature),
    encoder.encode(`${header}.${payload}`),
  );
  const decode = (part: string) =>
    JSON.parse(new TextDecoder().decode(fromBase64Url(part))) as Record<string, unknown>;
  return { header: decode(header), claims: decode(payload), validSignature };
}

/** The responseToken of a phone page's redirect. */
export function responseToken(res: Response): string {
  const location = res.headers.get('Location') ?? '';
  return new URL(location).searchParams.get('responseToken') ?? '';
}

/** `POST /v1/qr/sessions/{codeId}/kyc`. */
export async function fetchKyc(merchant: TestMerchant, qr: Qr, body: Record<string, unknown>) {
  return envelopeOf(await call(merchant, 'POST', `/v1/qr/sessions/${qr.codeId}/kyc`, { body }));
}

/** A user created the way PayPay creates one: a QR approved on the phone. */
export async function approvedUser(
  merchant: TestMerchant,
  outcome = 'complete',
  overrides: Record<string, unknown> = {},
  form: Record<string, string> = {},
): Promise<{ qr: Qr; uaid: string }> {
  const qr = await newQr(merchant, overrides);
  const res = await answerPhone(qr.link, outcome, form);
  expect(res.status).toBe(303);
  const { claims } = await readJwt(responseToken(res), merchant.apiSecret);
  return { qr, uaid: String(claims.userAuthorizationId) };
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
