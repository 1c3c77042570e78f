import { expect } from 'vitest';
import { answer, call, envelopeOf, type Envelope, type TestMerchant } from './support';

// QRs and the phone for the sandbox tests: a createQr body with its PKCE pair,
// a QR created, the phone's answer, and the responseToken it carries.

const encoder = new TextEncoder();

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
