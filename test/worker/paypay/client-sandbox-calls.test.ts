import { Buffer } from 'node:buffer';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCodeVerifier } from '../../../worker/paypay/pkce';
import { parseEndpoints } from '../../../worker/paypay/endpoints';
import { verifyResponseToken } from '../../../worker/paypay/jwt';
import { STANDING_ANSWERS } from '../support/standings';
import {
  AUDIENCES,
  BASE,
  KEY,
  MERCHANT_ID,
  SECRET,
  adminCall,
  approve,
  client,
  qr,
  user,
} from '../support/sandbox-merchant';

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
