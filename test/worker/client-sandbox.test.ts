import { Buffer } from 'node:buffer';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PayPayClient } from '../../worker/paypay/client';
import { codeChallengeS256, createCodeVerifier } from '../../worker/paypay/pkce';
import { parseEndpoints } from '../../worker/paypay/endpoints';
import { verifyResponseToken } from '../../worker/paypay/jwt';
import { paypayShapedKey } from './support/sandbox';
import { STANDING_ANSWERS } from './support/standings';

/** A merchant of this file's own at the sandbox: its faults and counters are ours alone. */
const { apiKey: KEY, clientId: CLIENT_ID } = paypayShapedKey();
/** What the sandbox's tokens carry in `aud`: the client ID, as PayPay's. */
const AUDIENCES = [CLIENT_ID, KEY];
const SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
const MERCHANT_ID = 'M-CLIENT-1';
const BASE = 'https://sandbox.test';
const admin = { 'X-Sandbox-Api-Key': KEY, 'Content-Type': 'application/json' };

async function adminCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${BASE}/_sandbox${path}`, {
    method,
    headers: admin,
    body: body === undefined ? null : JSON.stringify(body),
  });
  expect(response.ok, `${method} ${path}`).toBe(true);
  return response.json<Record<string, unknown>>();
}

function client(extra: Partial<ConstructorParameters<typeof PayPayClient>[0]> = {}) {
  return new PayPayClient({
    baseUrl: BASE,
    apiKey: KEY,
    apiSecret: SECRET,
    merchantId: MERCHANT_ID,
    sleep: async () => {},
    ...extra,
  });
}

async function user(body: Record<string, unknown> = {}): Promise<string> {
  return String((await adminCall('POST', '/users', body)).userAuthorizationId);
}

async function qr(c = client()) {
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

async function approve(qrUrl: string, outcome: string): Promise<string> {
  const response = await fetch(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome }),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return new URL(response.headers.get('Location')!).searchParams.get('responseToken')!;
}

beforeAll(async () => {
  await adminCall('PUT', '/merchant', { apiKey: KEY, apiSecret: SECRET, merchantId: MERCHANT_ID });
});
beforeEach(async () => {
  await adminCall('POST', '/reset');
});

describe('PayPayClient against the sandbox', () => {
  it('creates a KYC Passport QR: codeId, link, expiry and request id', async () => {
    const created = await qr();
    expect(created.codeId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(created.linkQRCodeURL).toContain(`${BASE}/phone/`);
    expect(created.expiresAt).toBeGreaterThan(Date.now());
    expect(created.expiryNote).toBeNull();
    expect(created.requestId).toMatch(/^[A-Za-z0-9-]{1,64}$/);
  });

  it('completes the PayPay side of a verification: token verifies, KYC is fetched with PKCE', async () => {
    const created = await qr();
    const token = await approve(created.linkQRCodeURL, 'complete');
    const verdict = await verifyResponseToken(token, {
      audiences: AUDIENCES,
      apiSecret: SECRET,
      expectedNonce: created.nonce,
    });
    expect(verdict.verdict).toBe('ok');
    if (verdict.verdict !== 'ok') return;
    const kyc = await client().fetchCompletedKyc(created.codeId, {
      codeVerifier: created.verifier,
      userAuthorizationId: verdict.claims.userAuthorizationId,
    });
    expect(kyc.ok).toBe(true);
    expect(kyc.ok && kyc.data).toMatchObject({
      userAuthorizationId: verdict.claims.userAuthorizationId,
      selfieImageUrl: expect.any(String),
      // Asked with kyc_foreign_status, so residence details come along.
      residenceType: expect.any(String),
      expiryDate: expect.any(String),
    });
  });

  it('is refused with INVALID_PARAMS when the code verifier does not match the challenge', async () => {
    const created = await qr();
    const token = await approve(created.linkQRCodeURL, 'complete');
    const verdict = await verifyResponseToken(token, { audiences: AUDIENCES, apiSecret: SECRET });
    const uaid = verdict.verdict === 'ok' ? verdict.claims.userAuthorizationId : '';
    const kyc = await client().fetchCompletedKyc(created.codeId, {
      codeVerifier: createCodeVerifier(),
      userAuthorizationId: uaid,
    });
    expect(kyc).toMatchObject({
      ok: false,
      status: 400,
      code: 'INVALID_PARAMS',
      known: true,
      attempts: 1,
    });
  });

  it.each([
    ['kyc_not_completed', 400, 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 400, 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 400, 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 400, 'CANCELED_USER'],
  ])('names the fetch answer after the phone outcome %s: %i %s', async (outcome, status, code) => {
    const created = await qr();
    const token = await approve(created.linkQRCodeURL, outcome);
    const verdict = await verifyResponseToken(token, { audiences: AUDIENCES, apiSecret: SECRET });
    const uaid = verdict.verdict === 'ok' ? verdict.claims.userAuthorizationId : '';
    const kyc = await client().fetchCompletedKyc(created.codeId, {
      codeVerifier: created.verifier,
      userAuthorizationId: uaid,
    });
    expect(kyc).toMatchObject({
      ok: false,
      status,
      code,
      known: true,
      requestId: expect.any(String),
    });
  });

  it('answers SESSION_NOT_FOUND for an unknown code id', async () => {
    const kyc = await client().fetchCompletedKyc('kpq_unknown', {
      codeVerifier: createCodeVerifier(),
      userAuthorizationId: 'u',
    });
    expect(kyc).toMatchObject({ ok: false, status: 404, code: 'SESSION_NOT_FOUND' });
  });

  it('reads KYC Passport info with the X-USER-AUTHORIZATION-ID header', async () => {
    const uaid = await user();
    const info = await client().kycPassportInfo(uaid);
    expect(info.ok && info.data).toMatchObject({
      userAuthorizationId: uaid,
      kycStatus: 'COMPLETED',
    });
  });

  it.each(STANDING_ANSWERS)(
    'names KYC Passport info for a %s user: %i %s',
    async (standing, status, code) => {
      const info = await client().kycPassportInfo(await user({ standing }));
      expect(info).toMatchObject({ ok: false, status, code, known: true });
    },
  );

  it('answers INVALID_USER_AUTHORIZATION_ID for an unknown user', async () => {
    expect(await client().kycPassportInfo('nobody')).toMatchObject({
      ok: false,
      status: 401,
      code: 'INVALID_USER_AUTHORIZATION_ID',
    });
  });

  it('gets user KYC info with get_kyc_info, and eKYC details when asked', async () => {
    const uaid = await user({ scopes: ['get_kyc_info'] });
    expect(await client().userKycInfo(uaid)).toMatchObject({
      ok: true,
      data: { userAuthorizationId: uaid },
    });
    expect(await client().userKycInfo(uaid, 'EKYC')).toMatchObject({ ok: true });
  });

  it('names OP_OUT_OF_SCOPE and NON_EKYC_USER for user KYC info', async () => {
    expect(await client().userKycInfo(await user({ scopes: ['kyc_passport_qr'] }))).toMatchObject({
      ok: false,
      status: 401,
      code: 'OP_OUT_OF_SCOPE',
      codeId: '08100023',
    });
    const nonEkyc = await user({ scopes: ['get_kyc_info'], kycType: 'NON_EKYC' });
    expect(await client().userKycInfo(nonEkyc, 'EKYC')).toMatchObject({
      ok: false,
      status: 400,
      code: 'NON_EKYC_USER',
    });
  });

  it('is refused with UNAUTHORIZED under a wrong secret or a wrong X-ASSUME-MERCHANT', async () => {
    const wrongSecret = client({ apiSecret: Buffer.from('wrong').toString('base64') });
    expect(await wrongSecret.kycPassportInfo('u')).toMatchObject({
      ok: false,
      status: 401,
      code: 'UNAUTHORIZED',
      codeId: '08100016',
    });
    expect(await client({ merchantId: 'M-OTHER' }).kycPassportInfo('u')).toMatchObject({
      ok: false,
      code: 'UNAUTHORIZED',
    });
  });

  it('follows PAYPAY_ENDPOINTS to paths the sandbox does not serve, and says so', async () => {
    const parsed = parseEndpoints('{"kycPassportInfo":{"path":"/v9/nowhere"}}');
    if (!parsed.ok) throw new Error(parsed.error);
    const answer = await client({ endpoints: parsed.value }).kycPassportInfo(await user());
    expect(answer).toMatchObject({ ok: false, status: 404 });
  });
});

describe('PayPayClient retries under sandbox faults', () => {
  it('retries a read through RATE_LIMIT and MAINTENANCE_MODE, then succeeds', async () => {
    const uaid = await user();
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'rate_limit',
      times: 1,
    });
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'maintenance',
      times: 1,
    });
    const info = await client().kycPassportInfo(uaid);
    expect(info).toMatchObject({ ok: true, attempts: 3 });
    expect((await adminCall('GET', '/calls')).kycPassportInfo).toBe(3);
  });

  it('gives up on a read after the bounded number of tries', async () => {
    await adminCall('PUT', '/faults', { operation: 'userKycInfo', fault: 'internal_error' });
    const info = await client().userKycInfo('u');
    expect(info).toMatchObject({
      ok: false,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      attempts: 3,
      outcomeUnknown: false,
    });
    expect((await adminCall('GET', '/calls')).userKycInfo).toBe(3);
  });

  it('retries a create after RATE_LIMIT', async () => {
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'rate_limit', times: 2 });
    const created = await qr();
    expect(created.codeId).toBeTruthy();
    expect((await adminCall('GET', '/calls')).createQr).toBe(3);
  });

  it('never retries a create after INTERNAL_SERVER_ERROR', async () => {
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'internal_error', times: 1 });
    await expect(qr()).rejects.toThrow('INTERNAL_SERVER_ERROR');
    expect((await adminCall('GET', '/calls')).createQr).toBe(1);
  });

  it('times out a hanging create once and reports an unknown outcome', async () => {
    const parsed = parseEndpoints('{"createQr":{"timeoutMs":200}}');
    if (!parsed.ok) throw new Error(parsed.error);
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'hang', latencyMs: 1500 });
    const c = client({ endpoints: parsed.value });
    const started = Date.now();
    const result = await c.createKycPassportQr({
      scopes: ['kyc_passport_qr'],
      nonce: 'n',
      redirectUrl: 'https://kyc.example/v1/callback',
      redirectType: 'WEB_LINK',
      codeChallenge: await codeChallengeS256(createCodeVerifier()),
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      code: 'TIMEOUT',
      outcomeUnknown: true,
      attempts: 1,
    });
    expect(Date.now() - started).toBeLessThan(1200);
    expect((await adminCall('GET', '/calls')).createQr).toBe(1);
  });

  it('retries a read that timed out', async () => {
    const uaid = await user();
    const parsed = parseEndpoints('{"kycPassportInfo":{"timeoutMs":200}}');
    if (!parsed.ok) throw new Error(parsed.error);
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'hang',
      latencyMs: 1000,
      times: 1,
    });
    const info = await client({ endpoints: parsed.value }).kycPassportInfo(uaid);
    expect(info).toMatchObject({ ok: true, attempts: 2 });
  });
});
