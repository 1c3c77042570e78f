import { describe, expect, it } from 'vitest';
import { authorizationOf, requireAuthorized } from '../../sandbox/authorization';
import { ConfigError, parseConfig } from '../../sandbox/config';
import { ApiError } from '../../sandbox/envelope';
import type { SandboxUser } from '../../sandbox/types';
import { adminJson, nowSeconds, passportInfo, putMerchant, registerMerchant } from './support';
import { approve, approvedUser, createQr } from './qr-flow';
import {
  adminUser,
  authorizationOfUser,
  DAY,
  DEFAULT_VALIDITY,
  expectCode,
  expectEveryUserCall,
  reRegister,
  unlink,
  WITH_KYC_INFO,
} from './user-authorizations';

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
