import { describe, expect, it } from 'vitest';
import { newRequestNonce, opaAuthHeader } from '../../worker/paypay/signing';
import { reconDownload } from '../../sandbox/recon';
import { STANDING_ANSWERS } from './support/standings';

// Every outbound fetch of the test Worker reaches the sandbox, whatever the host.
const BASE = 'http://sandbox.test';
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

interface TestMerchant {
  apiKey: string;
  apiSecret: string;
  tenant: string;
}

interface Envelope {
  status: number;
  code: string;
  codeId: string | undefined;
  message: string;
  data: Record<string, unknown> | null;
  requestId: string | null;
}

interface CallOptions {
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
const nowSeconds = () => Math.floor(Date.now() / 1000);

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

/** A fresh merchant per test: no state leaks between tests or files. */
async function registerMerchant(extra: Record<string, unknown> = {}): Promise<TestMerchant> {
  const apiKey = `test_${crypto.randomUUID()}`;
  const apiSecret = randomSecret();
  const res = await fetch(`${BASE}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey, apiSecret, ...extra }),
  });
  expect(res.status).toBe(200);
  const { tenant } = (await res.json()) as { tenant: string };
  return { apiKey, apiSecret, tenant };
}

/** A signed PayPay API call, built with our own client's signer. */
async function call(
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

async function envelopeOf(res: Response): Promise<Envelope> {
  const body = (await res.json()) as {
    resultInfo: { code: string; codeId?: string; message: string };
    data: Record<string, unknown> | null;
  };
  return {
    status: res.status,
    code: body.resultInfo.code,
    codeId: body.resultInfo.codeId,
    message: body.resultInfo.message,
    data: body.data,
    requestId: res.headers.get('X-REQUEST-ID'),
  };
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
}

async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

async function qrBody(overrides: Record<string, unknown> = {}) {
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

interface Qr {
  codeId: string;
  link: string;
  expiryDate: number;
  verifier: string;
  nonce: string;
}

async function createQr(
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

/** The person on the phone picks an outcome. */
function answerPhone(link: string, outcome: string, extra: Record<string, string> = {}) {
  return fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...extra }).toString(),
    redirect: 'manual',
  });
}

interface Jwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  validSignature: boolean;
}

/** Decodes a responseToken and checks HS256 with the base64-DECODED secret, as PayPay signs. */
async function readJwt(token: string, apiSecret: string): Promise<Jwt> {
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

function responseToken(res: Response): string {
  const location = res.headers.get('Location') ?? '';
  return new URL(location).searchParams.get('responseToken') ?? '';
}

async function fetchKyc(merchant: TestMerchant, qr: Qr, body: Record<string, unknown>) {
  return envelopeOf(await call(merchant, 'POST', `/v1/qr/sessions/${qr.codeId}/kyc`, { body }));
}

/** A user created the way PayPay creates one: a QR approved on the phone. */
async function approvedUser(
  merchant: TestMerchant,
  outcome = 'complete',
  overrides: Record<string, unknown> = {},
  form: Record<string, string> = {},
): Promise<{ qr: Qr; uaid: string }> {
  const qr = await createQr(merchant, overrides);
  const res = await answerPhone(qr.link, outcome, form);
  expect(res.status).toBe(303);
  const { claims } = await readJwt(responseToken(res), merchant.apiSecret);
  return { qr, uaid: String(claims.userAuthorizationId) };
}

function admin(merchant: TestMerchant, method: string, path: string, body?: unknown) {
  return fetch(`${BASE}/_sandbox${path}`, {
    method,
    headers: { 'X-Sandbox-Api-Key': merchant.apiKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface Delivery {
  url: string;
  kind: string;
  notificationId: string;
  attempt: number;
  status?: number;
  error?: string;
  body: string;
  at: number;
}

async function deliveries(merchant: TestMerchant): Promise<Delivery[]> {
  const res = await admin(merchant, 'GET', '/deliveries');
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
}

/** Phone outcomes send webhooks in the background: wait until they are logged. */
async function waitForDeliveries(merchant: TestMerchant, count: number): Promise<Delivery[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const log = await deliveries(merchant);
    if (log.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function setStanding(merchant: TestMerchant, uaid: string, standing: string) {
  return admin(merchant, 'POST', `/users/${uaid}/standing`, { standing });
}

function passportInfo(merchant: TestMerchant, uaid: string) {
  return call(merchant, 'GET', '/v1/kyc/passport', {
    headers: { 'X-USER-AUTHORIZATION-ID': uaid },
  }).then(envelopeOf);
}

function userKycInfo(merchant: TestMerchant, query: string) {
  return call(merchant, 'GET', '/v2/user/kycInfo', { query }).then(envelopeOf);
}

function expectUnauthorized(env: Envelope): void {
  expect(env.status).toBe(401);
  expect(env.code).toBe('UNAUTHORIZED');
  expect(env.codeId).toBe('08100016');
  expect(env.requestId).toMatch(REQUEST_ID);
}

describe('OPA-Auth on the PayPay API', () => {
  it('accepts a correctly signed QR creation', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(201);
    expect(env.code).toBe('SUCCESS');
    expect(env.codeId).toBe('08100001');
    expect(env.requestId).toMatch(REQUEST_ID);
    const data = env.data as { codeId: string; linkQRCodeURL: string; expiryDate: number };
    expect(data.codeId).toMatch(/^kpq_[A-Za-z0-9]{24}$/);
    expect(data.linkQRCodeURL).toBe(`${BASE}/phone/${merchant.tenant}/${data.codeId}`);
    expect(data.linkQRCodeURL).not.toContain(merchant.apiKey);
    expect(Math.abs(data.expiryDate - (nowSeconds() + 300))).toBeLessThanOrEqual(2);
  });

  it('rejects a signature made with the wrong secret', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', { body, secret: randomSecret() });
    expectUnauthorized(await envelopeOf(res));
  });

  it('rejects an epoch 200 s in the past', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', {
      body,
      epoch: nowSeconds() - 200,
    });
    expectUnauthorized(await envelopeOf(res));
  });

  it('rejects an epoch beyond the skew in the future', async () => {
    const merchant = await registerMerchant();
    const res = await call(merchant, 'GET', '/v1/kyc/passport', {
      epoch: nowSeconds() + 200,
      headers: { 'X-USER-AUTHORIZATION-ID': 'x' },
    });
    expectUnauthorized(await envelopeOf(res));
  });

  it('accepts an epoch within the 120 s skew', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', {
      body,
      epoch: nowSeconds() - 100,
    });
    expect(res.status).toBe(201);
  });

  it('rejects a replayed nonce', async () => {
    const merchant = await registerMerchant();
    const nonce = newRequestNonce();
    const first = await qrBody();
    expect(
      (await call(merchant, 'POST', '/v1/qr/sessions', { body: first.body, nonce })).status,
    ).toBe(201);
    const second = await qrBody();
    const replay = await call(merchant, 'POST', '/v1/qr/sessions', { body: second.body, nonce });
    expectUnauthorized(await envelopeOf(replay));
  });

  it('rejects a body that differs from the signed one', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const sent = JSON.stringify(body);
    const res = await call(merchant, 'POST', '/v1/qr/sessions', {
      rawBody: sent.replace('user-42', 'user-43'),
      signedBody: sent,
    });
    expectUnauthorized(await envelopeOf(res));
  });

  it('rejects a bodyHash of "empty" on a request with a body', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', {
      rawBody: JSON.stringify(body),
      signedBody: '',
    });
    expectUnauthorized(await envelopeOf(res));
  });

  it('rejects a request without an Authorization header', async () => {
    const { body } = await qrBody();
    const res = await fetch(`${BASE}/v1/qr/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expectUnauthorized(await envelopeOf(res));
  });

  it('rejects an unknown API key', async () => {
    const stranger = {
      apiKey: `nobody_${crypto.randomUUID()}`,
      apiSecret: randomSecret(),
      tenant: '',
    };
    const { body } = await qrBody();
    expectUnauthorized(await envelopeOf(await call(stranger, 'POST', '/v1/qr/sessions', { body })));
  });

  it('checks X-ASSUME-MERCHANT against the registered merchant id', async () => {
    const merchant = await registerMerchant({ merchantId: 'M123456' });
    const ok = await call(merchant, 'POST', '/v1/qr/sessions', {
      body: (await qrBody()).body,
      headers: { 'X-ASSUME-MERCHANT': 'M123456' },
    });
    expect(ok.status).toBe(201);
    const absent = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(absent.status).toBe(201);
    const wrong = await call(merchant, 'POST', '/v1/qr/sessions', {
      body: (await qrBody()).body,
      headers: { 'X-ASSUME-MERCHANT': 'M999999' },
    });
    expectUnauthorized(await envelopeOf(wrong));
  });

  it('signs the path without the query string', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', {
      scopes: ['kyc_passport_qr', 'get_kyc_info'],
    });
    const env = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
    expect(env.status).toBe(200);
  });

  it('counts requests per operation and 401s', async () => {
    const merchant = await registerMerchant();
    await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    await call(merchant, 'POST', '/v1/qr/sessions', {
      body: (await qrBody()).body,
      secret: randomSecret(),
    });
    await call(merchant, 'GET', '/v2/user/kycInfo', { query: '?userAuthorizationId=u' });
    const calls = await (await admin(merchant, 'GET', '/calls')).json();
    expect(calls).toEqual({
      createQr: 2,
      fetchCompletedKyc: 0,
      kycPassportInfo: 0,
      userKycInfo: 1,
      unauthorized: 1,
    });
  });

  it('answers unknown paths with 404 and wrong methods with 405, in the envelope', async () => {
    const merchant = await registerMerchant();
    const missing = await envelopeOf(await call(merchant, 'GET', '/v1/nothing'));
    expect(missing.status).toBe(404);
    expect(missing.requestId).toMatch(REQUEST_ID);
    const wrong = await call(merchant, 'GET', '/v1/qr/sessions');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toBe('POST');
    expect((await envelopeOf(wrong)).code).toBe('INVALID_REQUEST_PARAMS');
  });

  it('serves the default merchant without registration', async () => {
    const merchant = {
      apiKey: 'sandbox_key',
      apiSecret: 'c2FuZGJveF9zZWNyZXRfZm9yX2xvY2FsX2RldmVsb3BtZW50',
      tenant: '',
    };
    const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(res.status).toBe(201);
  });
});

describe('POST /v1/qr/sessions', () => {
  it('requires a nonce', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ nonce: undefined });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('MISSING_REQUEST_PARAMS');
    expect(env.message).toContain('nonce');
  });

  it('rejects a code challenge that is not a base64url SHA-256', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({
      kycPassport: { codeChallenge: 'too-short', codeChallengeMethod: 'S256' },
    });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('codeChallenge');
  });

  it('rejects the plain PKCE method', async () => {
    const merchant = await registerMerchant();
    const { challenge } = await pkce();
    const { body } = await qrBody({
      kycPassport: { codeChallenge: challenge, codeChallengeMethod: 'plain' },
    });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('codeChallengeMethod');
  });

  it('requires https for a WEB_LINK redirectUrl but allows http to localhost', async () => {
    const merchant = await registerMerchant();
    const plain = await qrBody({ redirectUrl: 'http://shop.example/cb' });
    const env = await envelopeOf(
      await call(merchant, 'POST', '/v1/qr/sessions', { body: plain.body }),
    );
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('redirectUrl');
    const local = await qrBody({ redirectUrl: 'http://localhost:8787/v1/callback' });
    expect((await call(merchant, 'POST', '/v1/qr/sessions', { body: local.body })).status).toBe(
      201,
    );
  });

  it('accepts an app deep link for APP_DEEP_LINK', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ redirectType: 'APP_DEEP_LINK', redirectUrl: 'shopapp://kyc' });
    expect((await call(merchant, 'POST', '/v1/qr/sessions', { body })).status).toBe(201);
  });

  it('requires accountLinkFlow KYC_PASSPORT', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ accountLinkFlow: 'ACCOUNT_LINK' });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('accountLinkFlow');
  });

  it('rejects an empty scopes array', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ scopes: [] });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('scopes');
  });

  it('answers 400 INVALID_REQUEST_PARAMS to a body that is not JSON', async () => {
    const merchant = await registerMerchant();
    const env = await envelopeOf(
      await call(merchant, 'POST', '/v1/qr/sessions', { rawBody: '{"scopes": [' }),
    );
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_REQUEST_PARAMS');
  });

  it('stores the session with what the merchant sent', async () => {
    const merchant = await registerMerchant({ qrTtlSeconds: 120 });
    const qr = await createQr(merchant, {
      scopes: ['kyc_passport_qr', 'get_kyc_info'],
      referenceId: 'order-7',
      kycData: { lastName: '山田' },
    });
    const session = (await (
      await admin(merchant, 'GET', `/sessions/${qr.codeId}`)
    ).json()) as Record<string, unknown>;
    expect(session).toMatchObject({
      codeId: qr.codeId,
      state: 'pending',
      scopes: ['kyc_passport_qr', 'get_kyc_info'],
      referenceId: 'order-7',
      kycData: { lastName: '山田' },
      nonce: qr.nonce,
      expiresAt: qr.expiryDate,
    });
    expect(qr.expiryDate - nowSeconds()).toBeGreaterThan(110);
    expect(qr.expiryDate - nowSeconds()).toBeLessThanOrEqual(120);
  });
});

describe('the phone page', () => {
  it('shows one button per outcome and the escaped referenceId', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant, { referenceId: '<b>ref</b>' });
    const res = await fetch(qr.link);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const html = await res.text();
    for (const outcome of [
      'complete',
      'decline',
      'kyc_not_completed',
      'risk_flagged',
      'kyc_update_required',
      'cancelled_user',
      'bad_request',
      'expire',
    ]) {
      expect(html).toContain(`name="outcome" value="${outcome}" data-outcome="${outcome}"`);
    }
    expect(html).toContain('&#60;b&#62;ref&#60;/b&#62;');
    expect(html).not.toContain('<b>ref</b>');
    expect(html).toContain('<form method="post">');
  });

  it('answers 404 for an unknown code or a malformed tenant', async () => {
    const merchant = await registerMerchant();
    expect((await fetch(`${BASE}/phone/${merchant.tenant}/kpq_nothing`)).status).toBe(404);
    expect((await fetch(`${BASE}/phone/not-a-tenant/kpq_nothing`)).status).toBe(404);
  });

  it('completes: redirects with a PayPay-signed responseToken, then the KYC info is fetched', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant, {
      redirectUrl: 'https://shop.example/kyc/callback?lang=ja',
      phoneNumber: '090-1234-5678',
    });
    const res = await answerPhone(qr.link, 'complete');
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('Location') ?? '');
    expect(location.origin + location.pathname).toBe('https://shop.example/kyc/callback');
    expect(location.searchParams.get('lang')).toBe('ja');
    const jwt = await readJwt(responseToken(res), merchant.apiSecret);
    expect(jwt.validSignature).toBe(true);
    expect(jwt.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const uaid = jwt.claims.userAuthorizationId;
    expect(uaid).toMatch(/^[0-9a-f-]{36}$/);
    expect(jwt.claims).toEqual({
      iss: 'paypay.ne.jp',
      aud: merchant.apiKey,
      exp: expect.any(Number),
      result: 'succeeded',
      nonce: qr.nonce,
      referenceId: 'user-42',
      userAuthorizationId: uaid,
      profileIdentifier: '*******5678',
    });
    expect(Math.abs(Number(jwt.claims.exp) - (nowSeconds() + 300))).toBeLessThanOrEqual(2);

    const env = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: uaid,
    });
    expect(env.status).toBe(200);
    expect(env.code).toBe('SUCCESS');
    expect(env.data).toMatchObject({
      userAuthorizationId: uaid,
      kycStatus: 'COMPLETED',
      kycType: 'EKYC',
      name: { lastName: expect.any(String), firstNameKana: expect.any(String) },
      address: { prefecture: expect.any(String) },
      eKycDocument: { type: expect.any(String) },
    });
    expect(env.data?.residenceType).toBeUndefined();
    const selfieUrl = String(env.data?.selfieImageUrl);
    expect(selfieUrl).toBe(`${BASE}/selfie/${merchant.tenant}/${uaid}.jpg`);
    const selfie = await fetch(selfieUrl);
    expect(selfie.headers.get('Content-Type')).toBe('image/jpeg');
    expect(new Uint8Array(await selfie.arrayBuffer()).slice(0, 2)).toEqual(
      new Uint8Array([0xff, 0xd8]),
    );
  });

  it.each([
    ['kyc_not_completed', 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 'CANCELED_USER'],
  ])('%s: the token succeeds and the fetch answers 400 %s', async (outcome, code) => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant);
    const res = await answerPhone(qr.link, outcome);
    expect(res.status).toBe(303);
    const jwt = await readJwt(responseToken(res), merchant.apiSecret);
    expect(jwt.validSignature).toBe(true);
    expect(jwt.claims.result).toBe('succeeded');
    const env = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: jwt.claims.userAuthorizationId,
    });
    expect(env.status).toBe(400);
    expect(env.code).toBe(code);
  });

  it.each([
    ['decline', 'declined'],
    ['bad_request', 'bad_request'],
  ])(
    '%s: the token says %s with no user, and the fetch says not completed',
    async (outcome, result) => {
      const merchant = await registerMerchant();
      const qr = await createQr(merchant);
      const res = await answerPhone(qr.link, outcome);
      expect(res.status).toBe(303);
      const jwt = await readJwt(responseToken(res), merchant.apiSecret);
      expect(jwt.validSignature).toBe(true);
      expect(jwt.claims).toEqual({
        iss: 'paypay.ne.jp',
        aud: merchant.apiKey,
        exp: expect.any(Number),
        result,
        nonce: qr.nonce,
        referenceId: 'user-42',
      });
      const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
      expect(env.code).toBe('KYC_PASSPORT_NOT_COMPLETED');
    },
  );

  it('answers 410 to a second answer on the same code', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(303);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(410);
    expect((await fetch(qr.link)).status).toBe(410);
  });

  it('expire: answers 410 and the code is gone for the fetch', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant);
    const res = await answerPhone(qr.link, 'expire');
    expect(res.status).toBe(410);
    expect(res.headers.get('Location')).toBeNull();
    const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
    expect(env.status).toBe(404);
    expect(env.code).toBe('SESSION_NOT_FOUND');
  });

  it('a QR past its qrTtlSeconds shows 410 and fetches as SESSION_NOT_FOUND', async () => {
    const merchant = await registerMerchant({ qrTtlSeconds: 1 });
    const qr = await createQr(merchant);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetch(qr.link)).status).toBe(410);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(410);
    const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
    expect(env.code).toBe('SESSION_NOT_FOUND');
  });

  it('records a NON_EKYC user when the phone says so', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(
      merchant,
      'complete',
      { scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'] },
      { kycType: 'NON_EKYC' },
    );
    const env = await passportInfo(merchant, uaid);
    expect(env.data?.kycType).toBe('NON_EKYC');
  });
});

describe('POST /v1/qr/sessions/{codeId}/kyc', () => {
  it('rejects a code verifier that does not match the challenge', async () => {
    const merchant = await registerMerchant();
    const { qr, uaid } = await approvedUser(merchant);
    const other = await pkce();
    const env = await fetchKyc(merchant, qr, {
      codeVerifier: other.verifier,
      userAuthorizationId: uaid,
    });
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
  });

  it('answers KYC_PASSPORT_NOT_COMPLETED before the phone answered', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant);
    const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
    expect(env.status).toBe(400);
    expect(env.code).toBe('KYC_PASSPORT_NOT_COMPLETED');
  });

  it('rejects another user authorization id', async () => {
    const merchant = await registerMerchant();
    const { qr } = await approvedUser(merchant);
    const other = await approvedUser(merchant);
    const env = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: other.uaid,
    });
    expect(env.status).toBe(401);
    expect(env.code).toBe('INVALID_USER_AUTHORIZATION_ID');
  });

  it('answers SESSION_NOT_FOUND for an unknown code and for another merchant', async () => {
    const merchant = await registerMerchant();
    const { qr, uaid } = await approvedUser(merchant);
    const stranger = await registerMerchant();
    const env = await fetchKyc(stranger, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: uaid,
    });
    expect(env.status).toBe(404);
    expect(env.code).toBe('SESSION_NOT_FOUND');
    const unknown = await fetchKyc(
      merchant,
      { ...qr, codeId: 'kpq_unknown' },
      {
        codeVerifier: qr.verifier,
      },
    );
    expect(unknown.code).toBe('SESSION_NOT_FOUND');
  });
});

describe('GET /v1/kyc/passport', () => {
  it('answers the KYC data of an active user, the same each time and different per user', async () => {
    const merchant = await registerMerchant();
    const a = await approvedUser(merchant);
    const first = await passportInfo(merchant, a.uaid);
    expect(first.status).toBe(200);
    expect(first.data?.userAuthorizationId).toBe(a.uaid);
    expect(first.data?.selfieImageUrl).toBeUndefined();
    expect((await passportInfo(merchant, a.uaid)).data).toEqual(first.data);
    const names = new Set([JSON.stringify(first.data?.name)]);
    for (let i = 0; i < 4; i++) {
      const other = await approvedUser(merchant);
      names.add(JSON.stringify((await passportInfo(merchant, other.uaid)).data?.name));
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it.each([...STANDING_ANSWERS, ['active', 200, 'SUCCESS'] as [string, number, string]])(
    'a user whose standing is %s gets %i %s',
    async (standing, status, code) => {
      const merchant = await registerMerchant();
      const { uaid } = await approvedUser(merchant);
      expect((await setStanding(merchant, uaid, standing)).status).toBe(200);
      const env = await passportInfo(merchant, uaid);
      expect(env.status).toBe(status);
      expect(env.code).toBe(code);
    },
  );

  it('rejects an unknown, a missing and an over-long user authorization id', async () => {
    const merchant = await registerMerchant();
    const unknown = await passportInfo(merchant, crypto.randomUUID());
    expect([unknown.status, unknown.code]).toEqual([401, 'INVALID_USER_AUTHORIZATION_ID']);
    const long = await passportInfo(merchant, 'x'.repeat(65));
    expect([long.status, long.code]).toEqual([400, 'INVALID_PARAMS']);
    const missing = await envelopeOf(await call(merchant, 'GET', '/v1/kyc/passport'));
    expect([missing.status, missing.code]).toEqual([400, 'MISSING_REQUEST_PARAMS']);
  });

  it('adds residenceType and expiryDate with the kyc_foreign_status scope', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', {
      scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'kyc_foreign_status'],
    });
    const env = await passportInfo(merchant, uaid);
    expect(env.data).toMatchObject({
      residenceType: 'PERMANENT_RESIDENT',
      expiryDate: '2030-03-31',
    });
  });
});

describe('GET /v2/user/kycInfo', () => {
  const withKycInfo = { scopes: ['kyc_passport_qr', 'get_kyc_info'] };

  it('answers the KYC data, with and without requiredKycType=EKYC', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', withKycInfo);
    const plain = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
    expect(plain.status).toBe(200);
    expect(plain.data?.userAuthorizationId).toBe(uaid);
    const ekyc = await userKycInfo(merchant, `?userAuthorizationId=${uaid}&requiredKycType=EKYC`);
    expect(ekyc.status).toBe(200);
  });

  it('validates its parameters', async () => {
    const merchant = await registerMerchant();
    const missing = await userKycInfo(merchant, '');
    expect([missing.status, missing.code]).toEqual([400, 'MISSING_REQUEST_PARAMS']);
    const long = await userKycInfo(merchant, `?userAuthorizationId=${'x'.repeat(65)}`);
    expect([long.status, long.code]).toEqual([400, 'INVALID_PARAMS']);
    const type = await userKycInfo(merchant, '?userAuthorizationId=abc&requiredKycType=PAPER');
    expect([type.status, type.code]).toEqual([400, 'INVALID_PARAMS']);
  });

  it('answers OP_OUT_OF_SCOPE for a user linked without get_kyc_info', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const env = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
    expect(env.status).toBe(401);
    expect(env.code).toBe('OP_OUT_OF_SCOPE');
    expect(env.codeId).toBe('08100023');
  });

  it('answers NON_EKYC_USER when eKYC is required and the user did not do it', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', withKycInfo, { kycType: 'NON_EKYC' });
    const ekyc = await userKycInfo(merchant, `?userAuthorizationId=${uaid}&requiredKycType=EKYC`);
    expect([ekyc.status, ekyc.code]).toEqual([400, 'NON_EKYC_USER']);
    const any = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
    expect(any.status).toBe(200);
  });

  it.each(STANDING_ANSWERS)(
    'a user whose standing is %s gets %i %s',
    async (standing, status, code) => {
      const merchant = await registerMerchant();
      const { uaid } = await approvedUser(merchant, 'complete', withKycInfo);
      await setStanding(merchant, uaid, standing);
      const env = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
      expect([env.status, env.code]).toEqual([status, code]);
    },
  );

  it('takes its user from the phone flow outcome', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'risk_flagged', withKycInfo);
    const env = await userKycInfo(merchant, `?userAuthorizationId=${uaid}`);
    expect(env.code).toBe('UNACCEPTABLE_OP');
  });
});

describe('faults', () => {
  it('rate_limit answers 429 for `times` requests, then normally; all are counted', async () => {
    const merchant = await registerMerchant();
    const put = await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'rate_limit',
      times: 2,
    });
    expect(put.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
      statuses.push(res.status);
      if (res.status === 429) {
        const env = await envelopeOf(res);
        expect([env.code, env.codeId]).toEqual(['RATE_LIMIT', '08100998']);
      }
    }
    expect(statuses).toEqual([429, 429, 201]);
    const calls = (await (await admin(merchant, 'GET', '/calls')).json()) as Record<string, number>;
    expect(calls.createQr).toBe(3);
  });

  it('internal_error answers 500 but still creates the QR (outcome unknown)', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'internal_error',
      times: 1,
    });
    const { body } = await qrBody({ referenceId: 'unknown-outcome' });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect([env.status, env.code, env.codeId]).toEqual([500, 'INTERNAL_SERVER_ERROR', '08101000']);
    const { sessions } = (await (await admin(merchant, 'GET', '/sessions')).json()) as {
      sessions: { referenceId?: string; nonce: string }[];
    };
    expect(sessions.map((s) => s.nonce)).toEqual([body.nonce]);
  });

  it('maintenance on every operation answers 503 MAINTENANCE_MODE', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', { operation: '*', fault: 'maintenance' });
    const env = await userKycInfo(merchant, '?userAuthorizationId=u');
    expect([env.status, env.code, env.codeId]).toEqual([503, 'MAINTENANCE_MODE', '08100999']);
    const qr = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(qr.status).toBe(503);
  });

  it('latency delays the answer, which is otherwise normal', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'latency',
      latencyMs: 300,
    });
    const started = Date.now();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('hang answers nothing for latencyMs, then 500', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'hang',
      latencyMs: 300,
    });
    const started = Date.now();
    const env = await passportInfo(merchant, 'u');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect([env.status, env.code]).toEqual([500, 'INTERNAL_SERVER_ERROR']);
  });

  it('affects only its operation, after authentication, and DELETE clears it', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'userKycInfo',
      fault: 'rate_limit',
      times: 1,
    });
    expect(
      (await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body })).status,
    ).toBe(201);
    const unsigned = await call(merchant, 'GET', '/v2/user/kycInfo', {
      query: '?userAuthorizationId=u',
      secret: randomSecret(),
    });
    expect(unsigned.status).toBe(401);
    const faults = (await (await admin(merchant, 'GET', '/faults')).json()) as {
      faults: unknown[];
    };
    expect(faults.faults).toHaveLength(1);
    expect((await admin(merchant, 'DELETE', '/faults')).status).toBe(200);
    const env = await userKycInfo(merchant, '?userAuthorizationId=u');
    expect(env.code).toBe('INVALID_USER_AUTHORIZATION_ID');
  });

  it('rejects an unknown fault kind', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'explode',
    });
    expect(res.status).toBe(400);
  });

  it('reset clears faults, counters and deliveries but keeps the merchant', async () => {
    const merchant = await registerMerchant({ webhookUrls: { kyc: 'https://merchant.test/kyc' } });
    await admin(merchant, 'PUT', '/faults', { operation: '*', fault: 'rate_limit' });
    await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' });
    expect((await admin(merchant, 'POST', '/reset')).status).toBe(200);
    expect(await (await admin(merchant, 'GET', '/calls')).json()).toEqual({
      createQr: 0,
      fetchCompletedKyc: 0,
      kycPassportInfo: 0,
      userKycInfo: 0,
      unauthorized: 0,
    });
    expect(await deliveries(merchant)).toEqual([]);
    expect(
      (await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body })).status,
    ).toBe(201);
  });
});

describe('PUT /_sandbox/merchant', () => {
  async function reRegister(merchant: TestMerchant, extra: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${BASE}/_sandbox/merchant`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: merchant.apiKey, apiSecret: merchant.apiSecret, ...extra }),
    });
    expect(res.status).toBe(200);
  }

  it('keeps the webhook URLs when a re-registration omits them, and clears them on {}', async () => {
    const merchant = await registerMerchant({ webhookUrls: { kyc: 'https://merchant.test/kyc' } });
    await reRegister(merchant, { qrTtlSeconds: 30 });
    expect(
      (await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' }))
        .status,
    ).toBe(200);
    await reRegister(merchant, { webhookUrls: {} });
    expect(
      (await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' }))
        .status,
    ).toBe(409);
  });
});

describe('webhooks', () => {
  const urls = {
    kyc: 'https://merchant.test/hooks/kyc',
    risk: 'https://merchant.test/hooks/risk',
    'account-status': 'https://merchant.test/hooks/account-status',
    recon: 'https://merchant.test/hooks/recon',
  };

  it.each([
    ['risk_flagged', 'risk', 'kyc_passport.risk.update'],
    ['kyc_update_required', 'kyc', 'kyc_passport.kyc_info.updated'],
    ['cancelled_user', 'account-status', 'kyc_passport.account_status.updated'],
  ] as const)('%s on the phone sends %s to its URL', async (outcome, kind, type) => {
    const merchant = await registerMerchant({ webhookUrls: urls });
    const { uaid } = await approvedUser(merchant, outcome);
    const [delivery] = await waitForDeliveries(merchant, 1);
    expect(delivery).toMatchObject({ url: urls[kind], kind, attempt: 1, status: 200 });
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      notification_type: type,
      notification_id: delivery?.notificationId,
      user_authorization_id: uaid,
    });
    expect(Object.keys(JSON.parse(delivery?.body ?? ''))).toEqual([
      'notification_type',
      'notification_id',
      'user_authorization_id',
    ]);
  });

  it('sends nothing for an outcome whose URL is not configured', async () => {
    const merchant = await registerMerchant();
    await approvedUser(merchant, 'risk_flagged');
    await approvedUser(merchant, 'complete');
    expect(await deliveries(merchant)).toEqual([]);
  });

  it('sends copies of one notification on request, as PayPay retries do', async () => {
    const merchant = await registerMerchant({ webhookUrls: urls });
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'account-status',
      userAuthorizationId: 'a85fe9e9-b4c9-45cf-a392-834c57d83af7',
      notificationId: 'evt_aXnbdeFt2Ke',
      copies: 2,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      notificationId: string;
      deliveries: { status: number }[];
    };
    expect(answer.notificationId).toBe('evt_aXnbdeFt2Ke');
    expect(answer.deliveries.map((d) => d.status)).toEqual([200, 200]);
    const log = await deliveries(merchant);
    expect(log).toHaveLength(2);
    for (const entry of log) {
      expect(entry).toMatchObject({ kind: 'account-status', url: urls['account-status'] });
      expect(JSON.parse(entry.body)).toEqual({
        notification_type: 'kyc_passport.account_status.updated',
        notification_id: 'evt_aXnbdeFt2Ke',
        user_authorization_id: 'a85fe9e9-b4c9-45cf-a392-834c57d83af7',
      });
    }
  });

  it('retries three times against a failing receiver and logs each attempt', async () => {
    const failing = 'https://merchant.test/hooks/risk?status=500';
    const merchant = await registerMerchant({ webhookUrls: { risk: failing } });
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'risk',
      userAuthorizationId: 'u-1',
    });
    const answer = (await res.json()) as { deliveries: { status: number; attempts: number }[] };
    expect(answer.deliveries).toEqual([{ status: 500, attempts: 3 }]);
    const log = await deliveries(merchant);
    expect(log.map((d) => [d.attempt, d.status, d.url])).toEqual([
      [1, 500, failing],
      [2, 500, failing],
      [3, 500, failing],
    ]);
    expect(new Set(log.map((d) => d.notificationId)).size).toBe(1);
  });

  it('answers 409 when the kind has no URL', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'kyc',
      userAuthorizationId: 'u-1',
    });
    expect(res.status).toBe(409);
  });
});

describe('recon files', () => {
  it('creates the CSV, announces it with file.created and serves the exact bytes', async () => {
    const merchant = await registerMerchant({
      merchantId: 'M42',
      webhookUrls: { recon: 'https://merchant.test/hooks/recon' },
    });
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_risk_sync_recon',
      userAuthorizationIds: ids,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      notificationId: string;
      path: string;
      deliveries: { status: number }[];
    };
    expect(answer.notificationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(answer.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    expect(answer.path).toMatch(
      new RegExp(
        `^${BASE}/recon/${merchant.tenant}/[0-9a-f]+/kyc_passport_risk_M42_(\\d{8})_\\1\\.csv\\?token=\\w+$`,
      ),
    );
    expect(answer.path).not.toContain(merchant.apiKey);

    const [delivery] = await deliveries(merchant);
    const payload = JSON.parse(delivery?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual([
      'notification_type',
      'notification_id',
      'fileType',
      'path',
      'requestedAt',
    ]);
    expect(payload).toMatchObject({
      notification_type: 'file.created',
      notification_id: answer.notificationId,
      fileType: 'kyc_passport_risk_sync_recon',
      path: answer.path,
    });
    expect(payload.requestedAt).toMatch(/^\d{10}$/);
    expect(delivery).toMatchObject({ kind: 'recon', url: 'https://merchant.test/hooks/recon' });

    const file = await fetch(answer.path);
    expect(file.status).toBe(200);
    expect(file.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes).toEqual(encoder.encode(`userAuthorizationId\r\n${ids[0]}\r\n${ids[1]}\r\n`));
  });

  it.each([
    ['kyc_passport_sync_recon', 'kyc_passport_M1_'],
    ['kyc_passport_account_status_sync_recon', 'kyc_passport_account_status_M1_'],
  ])('names a %s file as PayPay does', async (fileType, prefix) => {
    const merchant = await registerMerchant({ merchantId: 'M1' });
    const res = await admin(merchant, 'POST', '/recon', {
      fileType,
      userAuthorizationIds: [],
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    expect(new URL(path).pathname.split('/').pop()).toMatch(
      new RegExp(`^${prefix}\\d{8}_\\d{8}\\.csv$`),
    );
    expect(await (await fetch(path)).text()).toBe('userAuthorizationId\r\n');
    expect(await deliveries(merchant)).toEqual([]);
  });

  it('answers 404 to a wrong or missing token', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['u-1'],
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    const url = new URL(path);
    url.searchParams.set('token', 'guess');
    expect((await fetch(url)).status).toBe(404);
    url.searchParams.delete('token');
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(path)).status).toBe(200);
  });

  it('generates large files at download time, after the listed ids', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['listed-1'],
      generate: { prefix: 'gen-', count: 3 },
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    expect(await (await fetch(path)).text()).toBe(
      'userAuthorizationId\r\nlisted-1\r\ngen-0\r\ngen-1\r\ngen-2\r\n',
    );
  });

  it('fails the first downloads when asked, and counts every download', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['u-1'],
      failures: 2,
      notify: false,
    });
    const { path, fileId } = (await res.json()) as { path: string; fileId: string };
    expect((await fetch(path)).status).toBe(503);
    expect((await fetch(path)).status).toBe(503);
    expect((await fetch(path)).status).toBe(200);
    const file = await (await admin(merchant, 'GET', `/files/${fileId}`)).json();
    expect(file).toMatchObject({ fileId, downloads: 3 });
    expect((await admin(merchant, 'GET', '/files/nope')).status).toBe(404);
  });

  it('serves a file through a redirect when asked', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      redirectTo: 'https://storage.test/elsewhere.csv',
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    const answer = await fetch(path, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('Location')).toBe('https://storage.test/elsewhere.csv');
  });

  it.each([
    [{ generate: { prefix: 'bad prefix', count: 1 } }],
    [{ generate: { prefix: 'p', count: 200_001 } }],
    [{ failures: 11 }],
    [{ redirectTo: 'ftp://x.test/a' }],
  ])('refuses a recon request with %j', async (extra) => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      notify: false,
      ...extra,
    });
    expect(res.status).toBe(400);
  });

  it('stops serving a file after the 2 h acquisition window', () => {
    const file = {
      fileId: 'f1',
      fileType: 'kyc_passport_sync_recon' as const,
      fileName: 'kyc_passport_M1_20260101_20260101.csv',
      token: 'secret-token',
      userAuthorizationIds: ['u-1'],
      expiresAt: 1_000_000 + 7200,
    };
    expect(reconDownload(file, file.fileName, 'secret-token', 1_000_000 + 7199)?.status).toBe(200);
    expect(reconDownload(file, file.fileName, 'secret-token', 1_000_000 + 7200)).toBeNull();
    expect(reconDownload(file, 'other.csv', 'secret-token', 1_000_000)).toBeNull();
  });
});

describe('admin and pages', () => {
  it('rejects a registration whose secret is not base64', async () => {
    const res = await fetch(`${BASE}/_sandbox/merchant`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: `k_${crypto.randomUUID()}`, apiSecret: 'not base64!' }),
    });
    expect(res.status).toBe(400);
  });

  it('answers 404 to the admin API of an unregistered merchant', async () => {
    const res = await fetch(`${BASE}/_sandbox/calls`, {
      headers: { 'X-Sandbox-Api-Key': `nobody_${crypto.randomUUID()}` },
    });
    expect(res.status).toBe(404);
  });

  it('serves an index page and a health check', async () => {
    const index = await fetch(`${BASE}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('/v1/qr/sessions');
    expect(await (await fetch(`${BASE}/healthz`)).json()).toEqual({ ok: true });
  });
});
