import { describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../../worker/paypay/endpoints';
import { client, doubleFetch, envelope, qrInput } from '../support/paypay-double';

describe('PayPayClient', () => {
  it('creates a KYC Passport QR with a signed body that is exactly the sent body', async () => {
    const { fn, seen } = doubleFetch([
      envelope(201, 'SUCCESS', {
        codeId: 'kpq_1',
        linkQRCodeURL: 'https://qr.paypay.test/kpq_1',
        expiryDate: 1_790_000_300,
      }),
    ]);
    const { c } = client(fn);
    const result = await c.createKycPassportQr(qrInput);
    expect(result).toEqual({
      ok: true,
      operation: 'createQr',
      status: 201,
      data: {
        codeId: 'kpq_1',
        linkQRCodeURL: 'https://qr.paypay.test/kpq_1',
        expiresAt: 1_790_000_300_000,
        expiryNote: null,
      },
      requestId: 'REQ-SUCCESS',
      attempts: 1,
    });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('https://paypay.test/v1/qr/sessions');
    expect(seen[0]!.headers.get('Content-Type')).toBe('application/json');
    expect(seen[0]!.headers.get('X-ASSUME-MERCHANT')).toBeNull();
    const sent = JSON.parse(new TextDecoder().decode(seen[0]!.body!));
    expect(sent).toEqual({
      scopes: ['kyc_passport_qr'],
      nonce: 'session-nonce',
      redirectType: 'WEB_LINK',
      redirectUrl: 'https://kyc.example/v1/callback',
      referenceId: 'user-42',
      accountLinkFlow: 'KYC_PASSPORT',
      kycPassport: { codeChallenge: qrInput.codeChallenge, codeChallengeMethod: 'S256' },
    });
    expect(seen[0]!.headers.get('Authorization')).toMatch(
      /^hmac OPA-Auth:client_key:[A-Za-z0-9+/=]+:[a-z0-9]{16}:1790000000:[A-Za-z0-9+/=]+$/,
    );
  });

  it('sends X-ASSUME-MERCHANT only when a merchant id is configured', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { a: 1 })]);
    await client(fn, { merchantId: 'M-1' }).c.kycPassportInfo('uaid-1');
    expect(seen[0]!.headers.get('X-ASSUME-MERCHANT')).toBe('M-1');
  });

  it('puts the user in the X-USER-AUTHORIZATION-ID header for KYC Passport info, signed without body', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { kycStatus: 'COMPLETED' })]);
    const result = await client(fn).c.kycPassportInfo('uaid-1');
    expect(result.ok && result.data).toEqual({ kycStatus: 'COMPLETED' });
    expect(seen[0]!.headers.get('X-USER-AUTHORIZATION-ID')).toBe('uaid-1');
    expect(seen[0]!.headers.get('Authorization')).toMatch(/:empty$/);
    expect(seen[0]!.body).toBeNull();
  });

  it('signs the path without the query for user KYC info', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { kycType: 'EKYC' })]);
    const result = await client(fn).c.userKycInfo('uaid 1', 'EKYC');
    expect(result.ok).toBe(true);
    expect(seen[0]!.url).toBe(
      'https://paypay.test/v2/user/kycInfo?userAuthorizationId=uaid+1&requiredKycType=EKYC',
    );
  });

  it('encodes the codeId into the fetch path and posts verifier and user', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { name: 'x' })]);
    await client(fn).c.fetchCompletedKyc('kpq/1?', {
      codeVerifier: 'v'.repeat(64),
      userAuthorizationId: 'u',
    });
    expect(new URL(seen[0]!.url).pathname).toBe('/v1/qr/sessions/kpq%2F1%3F/kyc');
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body!))).toEqual({
      codeVerifier: 'v'.repeat(64),
      userAuthorizationId: 'u',
    });
  });

  it('follows PAYPAY_ENDPOINTS and a base URL with a path prefix', async () => {
    const parsed = parseEndpoints('{"kycPassportInfo":{"path":"/v9/passport"}}');
    if (!parsed.ok) throw new Error(parsed.error);
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', {})]);
    await client(fn, {
      endpoints: parsed.value,
      baseUrl: 'https://paypay.test/opa/',
    }).c.kycPassportInfo('u');
    expect(seen[0]!.url).toBe('https://paypay.test/opa/v9/passport');
  });
});
