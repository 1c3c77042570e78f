import { describe, expect, it } from 'vitest';
import { newRequestNonce } from '../../worker/paypay/signing';
import { testSetting } from '../worker/support/flow';
import {
  admin,
  BASE,
  call,
  envelopeOf,
  expectUnauthorized,
  nowSeconds,
  randomSecret,
  registerMerchant,
  REQUEST_ID,
  userKycInfo,
} from './support';
import { approvedUser, qrBody } from './qr-flow';

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
      userAuthorization: 0,
      unlinkUser: 0,
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

  it('serves the default merchant (the test Worker signs as it) without registration', async () => {
    const merchant = {
      apiKey: testSetting('PAYPAY_API_KEY'),
      apiSecret: testSetting('PAYPAY_API_SECRET'),
      tenant: '',
    };
    const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(res.status).toBe(201);
  });
});
