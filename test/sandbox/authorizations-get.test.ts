import { describe, expect, it } from 'vitest';
import { call, nowSeconds, passportInfo, registerMerchant, REQUEST_ID } from './support';
import { approvedUser } from './qr-flow';
import {
  adminUser,
  authorization,
  authorizationOfUser,
  DEFAULT_VALIDITY,
  expectCode,
  rawBody,
  WITH_KYC_INFO,
} from './user-authorizations';

describe('GET /v2/user/authorizations', () => {
  it("answers 201 in the shape of PayPay's SDK mock, from the phone's approval", async () => {
    const merchant = await registerMerchant();
    const before = nowSeconds();
    const { uaid } = await approvedUser(merchant, 'complete', WITH_KYC_INFO);
    const after = nowSeconds();
    const res = await call(merchant, 'GET', '/v2/user/authorizations', {
      query: `?userAuthorizationId=${uaid}`,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('X-REQUEST-ID')).toMatch(REQUEST_ID);
    const body = await rawBody(res);
    expect(Object.keys(body)).toEqual(['resultInfo', 'data']);
    expect(body.resultInfo).toStrictEqual({
      code: 'SUCCESS',
      message: 'Success',
      codeId: '08100001',
    });
    const data = body.data as Record<string, unknown>;
    // The mock's field order, field by field.
    expect(Object.keys(data)).toEqual([
      'userAuthorizationId',
      'referenceIds',
      'status',
      'scopes',
      'expireAt',
      'issuedAt',
    ]);
    expect(data.userAuthorizationId).toBe(uaid);
    expect(data.referenceIds).toStrictEqual(['user-42']);
    expect(data.status).toBe('ACTIVE');
    expect(data.scopes).toStrictEqual(WITH_KYC_INFO.scopes);
    const issuedAt = data.issuedAt as number;
    expect(Number.isInteger(issuedAt)).toBe(true);
    expect(issuedAt).toBeGreaterThanOrEqual(before);
    expect(issuedAt).toBeLessThanOrEqual(after);
    expect(data.expireAt).toBe(issuedAt + DEFAULT_VALIDITY);
  });

  it('has no referenceIds for a QR without one, nor for a user made by the admin API', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', { referenceId: undefined });
    const phone = await authorizationOfUser(merchant, uaid);
    expect(phone.status).toBe(201);
    expect(phone.data?.referenceIds).toStrictEqual([]);

    const user = await adminUser(merchant, { scopes: ['get_kyc_info'] });
    expect(user.authorization).toStrictEqual({
      status: 'ACTIVE',
      issuedAt: user.kycCompletedAt,
      expireAt: user.kycCompletedAt + DEFAULT_VALIDITY,
      referenceIds: [],
    });
    const made = await authorizationOfUser(merchant, user.userAuthorizationId);
    expect(made.status).toBe(201);
    expect(made.data).toStrictEqual({
      userAuthorizationId: user.userAuthorizationId,
      referenceIds: [],
      status: 'ACTIVE',
      scopes: ['get_kyc_info'],
      expireAt: user.kycCompletedAt + DEFAULT_VALIDITY,
      issuedAt: user.kycCompletedAt,
    });
  });

  it('keeps each approval its own referenceId, for this merchant only', async () => {
    const merchant = await registerMerchant();
    const a = await approvedUser(merchant, 'complete', { referenceId: 'order-a' });
    const b = await approvedUser(merchant, 'complete', { referenceId: 'order-b' });
    expect((await authorizationOfUser(merchant, a.uaid)).data?.referenceIds).toEqual(['order-a']);
    expect((await authorizationOfUser(merchant, b.uaid)).data?.referenceIds).toEqual(['order-b']);
    const stranger = await registerMerchant();
    expectCode(await authorizationOfUser(stranger, a.uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('answers whatever the standing: it is about the link, not the KYC', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'cancelled_user');
    expectCode(await passportInfo(merchant, uaid), 400, 'CANCELED_USER');
    const env = await authorizationOfUser(merchant, uaid);
    expect([env.status, env.code, env.data?.status]).toEqual([201, 'SUCCESS', 'ACTIVE']);
  });

  it('rejects a missing, an empty, an over-long and an unknown id', async () => {
    const merchant = await registerMerchant();
    expectCode(await authorization(merchant, ''), 400, 'MISSING_REQUEST_PARAMS');
    const empty = await authorization(merchant, '?userAuthorizationId=');
    expectCode(empty, 400, 'MISSING_REQUEST_PARAMS');
    expect(empty.message).toContain('userAuthorizationId');
    const long = await authorizationOfUser(merchant, 'x'.repeat(65));
    expectCode(long, 400, 'INVALID_PARAMS');
    const unknown = await authorizationOfUser(merchant, crypto.randomUUID());
    expectCode(unknown, 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('is signed like every call and answers 405 to another method', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const forged = await authorizationOfUser(merchant, uaid, { secret: btoa('not the secret') });
    expect([forged.status, forged.code, forged.codeId]).toEqual([401, 'UNAUTHORIZED', '08100016']);
    const wrong = await call(merchant, 'POST', '/v2/user/authorizations', { body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toBe('GET');
  });
});
