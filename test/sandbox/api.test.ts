import { describe, expect, it } from 'vitest';
import { STANDING_ANSWERS } from '../worker/support/standings';
import {
  call,
  envelopeOf,
  passportInfo,
  registerMerchant,
  setStanding,
  userKycInfo,
} from './support';
import { approvedUser, fetchKyc, newQr, pkce } from './qr-flow';

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
    const qr = await newQr(merchant);
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
