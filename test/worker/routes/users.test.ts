import { describe, expect, it } from 'vitest';
import {
  completedSession,
  exchange,
  expectError,
  MERCHANT_TOKEN,
  ORIGIN,
  worker,
} from '../support/flow';
import { fault, newUser, setStanding } from '../support/sandbox';

const auth = { Authorization: `Bearer ${MERCHANT_TOKEN}` };

async function linkedUser(): Promise<string> {
  const { resultToken } = await completedSession();
  return (await (await exchange(resultToken)).json<{ userAuthorizationId: string }>())
    .userAuthorizationId;
}

/** A user linked at PayPay with exactly these scopes, made without the phone flow. */
function sandboxUser(scopes: string[]): Promise<string> {
  return newUser({ scopes });
}

describe('GET /v1/users/:uaid/kyc', () => {
  it('answers the KYC Passport info live from PayPay', async () => {
    const uaid = await linkedUser();
    const response = await worker(`/v1/users/${uaid}/kyc`, { headers: auth });
    expect(response.status).toBe(200);
    const body = await response.json<{
      userAuthorizationId: string;
      kyc: Record<string, unknown>;
    }>();
    expect(body.userAuthorizationId).toBe(uaid);
    expect(body.kyc).toMatchObject({ userAuthorizationId: uaid, kycStatus: 'COMPLETED' });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it.each([
    ['risk_flagged', 409, 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 409, 'KYC_UPDATE_REQUIRED'],
    ['cancelled', 409, 'CANCELED_USER'],
    ['inactive', 409, 'USER_STATE_IS_NOT_ACTIVE'],
  ])('maps a %s user to %i %s with PayPay request id', async (standing, status, code) => {
    const uaid = await linkedUser();
    await setStanding(uaid, standing);
    const response = await worker(`/v1/users/${uaid}/kyc`, { headers: auth });
    const body = await response.clone().json<{ error: { paypayRequestId?: string } }>();
    await expectError(response, status, code);
    expect(body.error.paypayRequestId).toBeTruthy();
  });

  it('maps an unknown user to 404 INVALID_USER_AUTHORIZATION_ID', async () => {
    await expectError(
      await worker('/v1/users/00000000-0000-0000-0000-000000000000/kyc', { headers: auth }),
      404,
      'INVALID_USER_AUTHORIZATION_ID',
    );
  });

  it('answers 503 PAYPAY_UNAVAILABLE when PayPay keeps failing', async () => {
    const uaid = await linkedUser();
    await fault({ operation: 'kycPassportInfo', fault: 'internal_error' });
    try {
      await expectError(
        await worker(`/v1/users/${uaid}/kyc`, { headers: auth }),
        503,
        'PAYPAY_UNAVAILABLE',
      );
    } finally {
      await fault(null);
    }
  });

  it('refuses malformed and overlong ids', async () => {
    await expectError(
      await worker(`/v1/users/${'a'.repeat(65)}/kyc`, { headers: auth }),
      404,
      'INVALID_ID',
    );
    await expectError(await worker('/v1/users/a%20b/kyc', { headers: auth }), 404, 'INVALID_ID');
  });

  it('needs the merchant bearer', async () => {
    await expectError(
      await worker('/v1/users/u1/kyc', { headers: { Origin: ORIGIN } }),
      401,
      'UNAUTHORIZED',
    );
    await expectError(
      await worker('/v1/users/u1/kyc', { headers: { Authorization: 'Bearer nope' } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers a wrong method with 405', async () => {
    await expectError(
      await worker('/v1/users/u1/kyc', { method: 'DELETE', headers: auth }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });
});

describe('GET /v1/users/:uaid/kyc-info', () => {
  it('asks for get_kyc_info in every QR when USER_KYC_INFO is on, and reads the user live', async () => {
    const uaid = await linkedUser();
    const response = await worker(`/v1/users/${uaid}/kyc-info?requiredKycType=EKYC`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    expect((await response.json<{ kyc: { userAuthorizationId: string } }>()).kyc).toMatchObject({
      userAuthorizationId: uaid,
    });
  });

  it('passes OP_OUT_OF_SCOPE on when the user was linked without get_kyc_info', async () => {
    const uaid = await sandboxUser(['kyc_passport_qr', 'mini_app_kyc_passport']);
    await expectError(
      await worker(`/v1/users/${uaid}/kyc-info?requiredKycType=EKYC`, { headers: auth }),
      403,
      'OP_OUT_OF_SCOPE',
    );
  });

  it('refuses a requiredKycType other than EKYC and unknown parameters', async () => {
    await expectError(
      await worker('/v1/users/u1/kyc-info?requiredKycType=PASSPORT', { headers: auth }),
      400,
      'INVALID_FIELD',
    );
    await expectError(
      await worker('/v1/users/u1/kyc-info?foo=1', { headers: auth }),
      400,
      'UNKNOWN_FIELD',
    );
  });

  it('needs the merchant bearer', async () => {
    await expectError(await worker('/v1/users/u1/kyc-info'), 401, 'UNAUTHORIZED');
  });
});
