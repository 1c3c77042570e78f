import { describe, expect, it } from 'vitest';
import { newRequestNonce, opaAuthHeader } from '../../worker/paypay/signing';
import {
  BASE,
  call,
  envelopeOf,
  nowSeconds,
  passportInfo,
  registerMerchant,
  REQUEST_ID,
  userKycInfo,
} from './support';
import { approvedUser, fetchKyc } from './qr-flow';
import {
  authorizationOfUser,
  expectCode,
  expectEveryUserCall,
  rawBody,
  unlink,
  WITH_KYC_INFO,
} from './user-authorizations';

describe('DELETE /v2/user/authorizations/{userAuthorizationId}', () => {
  it("answers 201 REQUEST_ACCEPTED with empty data, as PayPay's SDK mock", async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const res = await call(merchant, 'DELETE', `/v2/user/authorizations/${uaid}`);
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('X-REQUEST-ID')).toMatch(REQUEST_ID);
    expect(await rawBody(res)).toStrictEqual({
      resultInfo: { code: 'REQUEST_ACCEPTED', message: 'Success', codeId: '08100001' },
      data: {},
    });
  });

  it('unlinks: every call for the id then answers 401 INVALID_USER_AUTHORIZATION_ID', async () => {
    const merchant = await registerMerchant();
    const { qr, uaid } = await approvedUser(merchant, 'complete', WITH_KYC_INFO);
    const other = await approvedUser(merchant, 'complete', WITH_KYC_INFO);
    expect((await passportInfo(merchant, uaid)).status).toBe(200);
    expect((await userKycInfo(merchant, `?userAuthorizationId=${uaid}`)).status).toBe(200);
    expect((await unlink(merchant, uaid)).status).toBe(201);
    // kycPassportInfo, userKycInfo, userAuthorization and a second unlink.
    await expectEveryUserCall(merchant, uaid, 'INVALID_USER_AUTHORIZATION_ID');
    // The approved QR's KYC goes with the link.
    const fetched = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: uaid,
    });
    expectCode(fetched, 401, 'INVALID_USER_AUTHORIZATION_ID');
    // Another user of the same merchant is untouched.
    expect((await passportInfo(merchant, other.uaid)).status).toBe(200);
    expect((await authorizationOfUser(merchant, other.uaid)).status).toBe(201);
  });

  it('answers a second DELETE with INVALID_USER_AUTHORIZATION_ID', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    expect((await unlink(merchant, uaid)).code).toBe('REQUEST_ACCEPTED');
    const again = await unlink(merchant, uaid);
    expectCode(again, 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('decodes the path segment, signed as sent; a bad escape is INVALID_PARAMS', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    // The same id with its hyphens percent-encoded: signed over the raw path, decoded after.
    const encoded = uaid.replace(/-/g, '%2D');
    expect(encoded).not.toBe(uaid);
    const env = await unlink(merchant, encoded);
    expect([env.status, env.code]).toEqual([201, 'REQUEST_ACCEPTED']);
    expectCode(await authorizationOfUser(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');

    const malformed = await unlink(merchant, '%zz');
    expectCode(malformed, 400, 'INVALID_PARAMS');
    expect(malformed.message).toContain('userAuthorizationId');
    expectCode(await unlink(merchant, 'abc%E0%A4'), 400, 'INVALID_PARAMS');
    expectCode(await unlink(merchant, 'x'.repeat(65)), 400, 'INVALID_PARAMS');
    expectCode(await unlink(merchant, crypto.randomUUID()), 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('has no route without an id, and answers 405 to another method', async () => {
    const merchant = await registerMerchant();
    const bare = await call(merchant, 'DELETE', '/v2/user/authorizations');
    expect(bare.status).toBe(405);
    expect(bare.headers.get('Allow')).toBe('GET');
    const slash = await envelopeOf(await call(merchant, 'DELETE', '/v2/user/authorizations/'));
    expect([slash.status, slash.code]).toEqual([404, 'INVALID_REQUEST_PARAMS']);
    const wrong = await call(merchant, 'GET', `/v2/user/authorizations/${crypto.randomUUID()}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toBe('DELETE');
  });

  it('is signed over the path: a signature for another id is refused', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const other = crypto.randomUUID();
    const authorization = opaAuthHeader({
      apiKey: merchant.apiKey,
      apiSecret: merchant.apiSecret,
      method: 'DELETE',
      path: `/v2/user/authorizations/${other}`,
      contentType: 'application/json',
      nonce: newRequestNonce(),
      epoch: nowSeconds(),
    });
    const res = await fetch(`${BASE}/v2/user/authorizations/${uaid}`, {
      method: 'DELETE',
      headers: { Authorization: authorization },
    });
    const env = await envelopeOf(res);
    expect([env.status, env.code]).toEqual([401, 'UNAUTHORIZED']);
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
  });
});
