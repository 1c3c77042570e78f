import { describe, expect, it } from 'vitest';
import {
  adminJson,
  answer,
  passportInfo,
  registerMerchant,
  userKycInfo,
  type Envelope,
  type TestMerchant,
} from './support';
import { approve, createQr } from './qr-flow';

// The sandbox refuses out-of-scope calls as PayPay does (sandbox/README.md, "Scopes").

function expectOutOfScope(env: Envelope): void {
  expect([env.status, env.code, env.codeId]).toEqual([401, 'OP_OUT_OF_SCOPE', '08100023']);
}

async function user(merchant: TestMerchant, body: Record<string, unknown> = {}): Promise<string> {
  const created = await adminJson<{ userAuthorizationId: string }>(
    merchant,
    'POST',
    '/users',
    body,
  );
  expect(created.status).toBe(201);
  return created.body.userAuthorizationId;
}

describe('scopes', () => {
  it('fetchCompletedKyc needs a QR that asked for kyc_passport_qr', async () => {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant, { scopes: ['mini_app_kyc_passport'] });
    const uaid = await approve(String(qr.data?.linkQRCodeURL));
    const path = `/v1/qr/sessions/${String(qr.data?.codeId)}/kyc`;
    const body = { codeVerifier: qr.verifier, userAuthorizationId: uaid };
    expectOutOfScope(await answer(merchant, 'POST', path, { body }));
  });

  it('KYC Passport info needs a user who granted mini_app_kyc_passport (the default)', async () => {
    const merchant = await registerMerchant();
    expect((await passportInfo(merchant, await user(merchant))).status).toBe(200);
    const without = await user(merchant, { scopes: ['kyc_passport_qr'] });
    expectOutOfScope(await passportInfo(merchant, without));
  });

  it('requiredKycType=EKYC answers OP_OUT_OF_SCOPE for a client not configured for eKYC', async () => {
    const merchant = await registerMerchant({ ekyc: false });
    const uaid = await user(merchant, { scopes: ['get_kyc_info'] });
    expectOutOfScope(
      await userKycInfo(merchant, `?userAuthorizationId=${uaid}&requiredKycType=EKYC`),
    );
    expectOutOfScope(
      await userKycInfo(merchant, '?userAuthorizationId=nobody&requiredKycType=EKYC'),
    );
    expect((await userKycInfo(merchant, `?userAuthorizationId=${uaid}`)).status).toBe(200);
  });

  it('a client without the scope answers OP_OUT_OF_SCOPE before looking at the user', async () => {
    const enabled = await registerMerchant();
    const unknown = await userKycInfo(enabled, '?userAuthorizationId=nobody');
    expect([unknown.status, unknown.code]).toEqual([401, 'INVALID_USER_AUTHORIZATION_ID']);
    const lacking = await registerMerchant({ clientScopes: ['kyc_passport_qr'] });
    expectOutOfScope(await userKycInfo(lacking, '?userAuthorizationId=nobody'));
    expectOutOfScope(await passportInfo(lacking, 'nobody'));
    const noQr = await registerMerchant({ clientScopes: ['mini_app_kyc_passport'] });
    expectOutOfScope(
      await answer(noQr, 'POST', '/v1/qr/sessions/kpq_unknown/kyc', {
        body: { codeVerifier: 'v'.repeat(43) },
      }),
    );
  });

  it('a QR may ask only for the scopes enabled for the client', async () => {
    const merchant = await registerMerchant({
      clientScopes: ['kyc_passport_qr', 'mini_app_kyc_passport'],
    });
    expect((await createQr(merchant)).status).toBe(201);
    const asked = await createQr(merchant, {
      scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'],
    });
    expectOutOfScope(asked);
    expect(asked.message).toContain('get_kyc_info');
  });
});
