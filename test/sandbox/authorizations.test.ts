import { describe, expect, it } from 'vitest';
import { authorizationOf, requireAuthorized } from '../../sandbox/authorization';
import { ConfigError, parseConfig } from '../../sandbox/config';
import { ApiError } from '../../sandbox/envelope';
import type { SandboxUser } from '../../sandbox/types';
import { newRequestNonce, opaAuthHeader } from '../../worker/paypay/signing';
import {
  admin,
  adminJson,
  answer,
  BASE,
  call,
  envelopeOf,
  nowSeconds,
  passportInfo,
  putMerchant,
  registerMerchant,
  REQUEST_ID,
  userKycInfo,
  type CallOptions,
  type Envelope,
  type TestMerchant,
} from './support';
import { approve, approvedUser, createQr, fetchKyc } from './qr-flow';

const DAY = 86_400;
const DEFAULT_VALIDITY = 400 * DAY;
const WITH_KYC_INFO = { scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'] };

/** `GET /v2/user/authorizations` with this query string. */
function authorization(merchant: TestMerchant, query: string, options: CallOptions = {}) {
  return answer(merchant, 'GET', '/v2/user/authorizations', { query, ...options });
}

/** `GET /v2/user/authorizations?userAuthorizationId=<uaid>`. */
function authorizationOfUser(merchant: TestMerchant, uaid: string, options: CallOptions = {}) {
  return authorization(merchant, `?userAuthorizationId=${encodeURIComponent(uaid)}`, options);
}

/** `DELETE /v2/user/authorizations/<segment>` (the segment as given, not encoded). */
function unlink(merchant: TestMerchant, segment: string, options: CallOptions = {}) {
  return answer(merchant, 'DELETE', `/v2/user/authorizations/${segment}`, options);
}

/** The raw JSON body of a signed call. */
async function rawBody(res: Response): Promise<Record<string, unknown>> {
  return res.json<Record<string, unknown>>();
}

/** A user made by the admin API; the user as answered. */
async function adminUser(
  merchant: TestMerchant,
  body: Record<string, unknown> = {},
): Promise<SandboxUser> {
  const created = await adminJson<SandboxUser>(merchant, 'POST', '/users', body);
  expect(created.status).toBe(201);
  return created.body;
}

/** Re-registers `merchant` with these fields (its users stay). */
async function reRegister(merchant: TestMerchant, extra: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${BASE}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey: merchant.apiKey, apiSecret: merchant.apiSecret, ...extra }),
  });
  expect(res.status).toBe(200);
}

function expectCode(env: Envelope, status: number, code: string): void {
  expect([env.status, env.code]).toEqual([status, code]);
  expect(env.data).toBeNull();
  expect(env.requestId).toMatch(REQUEST_ID);
}

/** Every call about a user, answered with this 401 code. */
async function expectEveryUserCall(
  merchant: TestMerchant,
  uaid: string,
  code: string,
  options: CallOptions = {},
): Promise<void> {
  const answers = [
    await answer(merchant, 'GET', '/v1/kyc/passport', {
      ...options,
      headers: { 'X-USER-AUTHORIZATION-ID': uaid },
    }),
    await answer(merchant, 'GET', '/v2/user/kycInfo', {
      ...options,
      query: `?userAuthorizationId=${uaid}`,
    }),
    await authorizationOfUser(merchant, uaid, options),
    await unlink(merchant, uaid, options),
  ];
  for (const env of answers) expectCode(env, 401, code);
}

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

describe('authorization expiry', () => {
  it('PUT /_sandbox/users/:uaid/authorization moves expireAt; at expireAt every call expires', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant, 'complete', WITH_KYC_INFO);
    const issued = (await authorizationOfUser(merchant, uaid)).data as Record<string, unknown>;

    const soon = nowSeconds() + 3600;
    const later = await adminJson(merchant, 'PUT', `/users/${uaid}/authorization`, {
      expireAt: soon,
    });
    expect(later.status).toBe(200);
    expect(later.body).toStrictEqual({
      status: 'ACTIVE',
      issuedAt: issued.issuedAt,
      expireAt: soon,
      referenceIds: ['user-42'],
    });
    const active = await authorizationOfUser(merchant, uaid);
    expect([active.status, active.data?.status, active.data?.expireAt]).toEqual([
      201,
      'ACTIVE',
      soon,
    ]);

    // `now >= expireAt`: the second of expiry itself is expired.
    const now = nowSeconds();
    const expired = await adminJson(merchant, 'PUT', `/users/${uaid}/authorization`, {
      expireAt: now,
    });
    expect(expired.body.expireAt).toBe(now);
    await expectEveryUserCall(merchant, uaid, 'EXPIRED_USER_AUTHORIZATION_ID');

    // And back: an expiry is only a date, nothing was unlinked.
    await adminJson(merchant, 'PUT', `/users/${uaid}/authorization`, { expireAt: soon });
    expect((await passportInfo(merchant, uaid)).status).toBe(200);
    expect((await unlink(merchant, uaid)).status).toBe(201);
  });

  it('keeps an unlinked authorization unlinked when its expiry moves', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await unlink(merchant, uaid);
    const moved = await adminJson(merchant, 'PUT', `/users/${uaid}/authorization`, {
      expireAt: nowSeconds() - 10,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('UNLINKED');
    expect(moved.body.unlinkedAt).toEqual(expect.any(Number));
    // Unlinked wins over expired: the id is simply unknown.
    expectCode(await authorizationOfUser(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('POST /_sandbox/users takes an expireAt', async () => {
    const merchant = await registerMerchant();
    const past = await adminUser(merchant, { expireAt: nowSeconds() - 1 });
    await expectEveryUserCall(merchant, past.userAuthorizationId, 'EXPIRED_USER_AUTHORIZATION_ID');
    const future = nowSeconds() + 120;
    const user = await adminUser(merchant, { expireAt: future });
    const env = await authorizationOfUser(merchant, user.userAuthorizationId);
    expect([env.status, env.data?.expireAt, env.data?.issuedAt]).toEqual([
      201,
      future,
      user.kycCompletedAt,
    ]);
  });

  it("runs on the merchant's clock: authorizationValiditySeconds, then clockOffsetSeconds", async () => {
    const merchant = await registerMerchant({ authorizationValiditySeconds: 60 });
    const { uaid } = await approvedUser(merchant);
    const env = await authorizationOfUser(merchant, uaid);
    expect(env.data?.status).toBe('ACTIVE');
    const issuedAt = env.data?.issuedAt as number;
    expect(env.data?.expireAt).toBe(issuedAt + 60);

    // The same merchant, its clock a minute ahead: the minute has passed for it.
    await reRegister(merchant, { authorizationValiditySeconds: 60, clockOffsetSeconds: 60 });
    const epoch = nowSeconds() + 60;
    await expectEveryUserCall(merchant, uaid, 'EXPIRED_USER_AUTHORIZATION_ID', { epoch });
    // Back on real time the authorization is active again (only the clock moved).
    await reRegister(merchant, { authorizationValiditySeconds: 60 });
    expect((await authorizationOfUser(merchant, uaid)).data?.status).toBe('ACTIVE');
  });

  it("issues on the merchant's clock", async () => {
    const merchant = await registerMerchant({ clockOffsetSeconds: -DAY });
    const epoch = nowSeconds() - DAY;
    const qr = await createQr(merchant, { referenceId: 'late' }, epoch);
    expect(qr.status).toBe(201);
    const uaid = await approve(String(qr.data?.linkQRCodeURL));
    const env = await authorizationOfUser(merchant, uaid, { epoch });
    expect([env.status, env.data?.referenceIds]).toEqual([201, ['late']]);
    const issuedAt = env.data?.issuedAt as number;
    expect(Math.abs(issuedAt - epoch)).toBeLessThanOrEqual(2);
    expect(env.data?.expireAt).toBe(issuedAt + DEFAULT_VALIDITY);
  });

  it('counts users stored before authorizations as issued at kycCompletedAt, default validity', () => {
    const legacy: SandboxUser = {
      userAuthorizationId: 'legacy-user',
      scopes: ['kyc_passport_qr'],
      standing: 'active',
      kycType: 'EKYC',
      phoneLast4: '1234',
      kycCompletedAt: 1_700_000_000,
    };
    expect(authorizationOf(legacy)).toStrictEqual({
      status: 'ACTIVE',
      issuedAt: 1_700_000_000,
      expireAt: 1_700_000_000 + DEFAULT_VALIDITY,
      referenceIds: [],
    });
    const expireAt = 1_700_000_000 + DEFAULT_VALIDITY;
    expect(requireAuthorized(legacy, expireAt - 1).expireAt).toBe(expireAt);
    const refusal = (() => {
      try {
        requireAuthorized(legacy, expireAt);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).code).toBe('EXPIRED_USER_AUTHORIZATION_ID');
  });
});

describe('authorizationValiditySeconds', () => {
  it.each([59, 10 * 365 * DAY + 1, 3600.5, '3600', null, -60])(
    'refuses %s with 400 INVALID_MERCHANT',
    async (value) => {
      const { res } = await putMerchant({ authorizationValiditySeconds: value });
      expect(res.status).toBe(400);
      const body = await res.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('INVALID_MERCHANT');
      expect(body.error.message).toContain('authorizationValiditySeconds');
    },
  );

  it.each([60, 10 * 365 * DAY])('takes %i', async (value) => {
    const merchant = await registerMerchant({ authorizationValiditySeconds: value });
    const user = await adminUser(merchant);
    expect(user.authorization?.expireAt).toBe(user.kycCompletedAt + value);
  });

  it('is a default-merchant option too (SANDBOX_MERCHANT_OPTIONS)', () => {
    const env = {
      SANDBOX_API_KEY: 'k',
      SANDBOX_API_SECRET: 'c2VjcmV0',
      SANDBOX_WEBHOOK_URLS: '{}',
      SANDBOX_PUBLIC_URL: '',
    };
    const options = '{"authorizationValiditySeconds":3600}';
    const config = parseConfig({ ...env, SANDBOX_MERCHANT_OPTIONS: options } as SandboxEnv);
    expect(config.defaultMerchant.authorizationValiditySeconds).toBe(3600);
    const bad = '{"authorizationValiditySeconds":30}';
    expect(() => parseConfig({ ...env, SANDBOX_MERCHANT_OPTIONS: bad } as SandboxEnv)).toThrow(
      ConfigError,
    );
  });
});

describe('faults on the authorization calls', () => {
  it('internal_error on unlinkUser answers 500 but unlinks (outcome unknown)', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const put = await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'internal_error',
      times: 1,
    });
    expect(put.status).toBe(200);
    const env = await unlink(merchant, uaid);
    expect([env.status, env.code, env.codeId]).toEqual([500, 'INTERNAL_SERVER_ERROR', '08101000']);
    expectCode(await authorizationOfUser(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
    // The fault is spent: the retry is a plain second unlink.
    expectCode(await unlink(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('rate_limit and maintenance on unlinkUser refuse without unlinking', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'rate_limit',
      times: 1,
    });
    await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'maintenance',
      times: 1,
    });
    const limited = await unlink(merchant, uaid);
    expect([limited.status, limited.code]).toEqual([429, 'RATE_LIMIT']);
    const down = await unlink(merchant, uaid);
    expect([down.status, down.code]).toEqual([503, 'MAINTENANCE_MODE']);
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
    expect((await unlink(merchant, uaid)).status).toBe(201);
  });

  it('internal_error on userAuthorization answers 500 and changes nothing', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await admin(merchant, 'PUT', '/faults', {
      operation: 'userAuthorization',
      fault: 'internal_error',
      times: 1,
    });
    const failed = await authorizationOfUser(merchant, uaid);
    expect([failed.status, failed.code]).toEqual([500, 'INTERNAL_SERVER_ERROR']);
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
    expect((await passportInfo(merchant, uaid)).status).toBe(200);
  });

  it('counts both calls in GET /_sandbox/calls', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await authorizationOfUser(merchant, uaid);
    await authorizationOfUser(merchant, 'nobody');
    await unlink(merchant, uaid);
    const calls = await adminJson<Record<string, number>>(merchant, 'GET', '/calls');
    expect(calls.body).toMatchObject({ userAuthorization: 2, unlinkUser: 1, unauthorized: 0 });
  });
});

describe('bad admin bodies', () => {
  it.each([
    ['a string', { expireAt: '2000000000' }],
    ['a fraction', { expireAt: 2_000_000_000.5 }],
    ['negative', { expireAt: -1 }],
    ['missing', {}],
    ['null', { expireAt: null }],
    ['not an object', [2_000_000_000]],
  ])('PUT authorization refuses an expireAt that is %s', async (_, body) => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const res = await adminJson<{ error: { code: string; message: string } }>(
      merchant,
      'PUT',
      `/users/${uaid}/authorization`,
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_BODY');
    expect(res.body.error.message).toContain('expireAt');
    // Nothing changed.
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
  });

  it('PUT authorization refuses a body that is not JSON and an unknown user', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const notJson = await fetch(`${BASE}/_sandbox/users/${uaid}/authorization`, {
      method: 'PUT',
      headers: { 'X-Sandbox-Api-Key': merchant.apiKey, 'Content-Type': 'application/json' },
      body: '{expireAt:',
    });
    expect(notJson.status).toBe(400);
    const unknown = await adminJson<{ error: { code: string } }>(
      merchant,
      'PUT',
      `/users/${crypto.randomUUID()}/authorization`,
      { expireAt: 2_000_000_000 },
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const wrongMethod = await admin(merchant, 'POST', `/users/${uaid}/authorization`, {
      expireAt: 2_000_000_000,
    });
    expect(wrongMethod.status).toBe(404);
  });

  it('POST /_sandbox/users refuses a bad expireAt', async () => {
    const merchant = await registerMerchant();
    for (const expireAt of ['soon', 1.5, -5, true]) {
      const res = await adminJson<{ error: { code: string; message: string } }>(
        merchant,
        'POST',
        '/users',
        { expireAt },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
      expect(res.body.error.message).toContain('expireAt');
    }
  });
});
