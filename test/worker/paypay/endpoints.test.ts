import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINTS, parseEndpoints } from '../../../worker/paypay/endpoints';

describe('parseEndpoints', () => {
  it('uses the defaults when PAYPAY_ENDPOINTS is unset or blank', () => {
    expect(parseEndpoints(undefined)).toEqual({ ok: true, value: DEFAULT_ENDPOINTS });
    expect(parseEndpoints('  ')).toEqual({ ok: true, value: DEFAULT_ENDPOINTS });
  });

  it('has the documented defaults, with a 10 s QR creation timeout', () => {
    expect(DEFAULT_ENDPOINTS.createQr).toEqual({
      method: 'POST',
      path: '/v1/qr/sessions',
      timeoutMs: 10_000,
      kind: 'create',
      scope: null,
    });
    // Each KYC call names the scope PayPay's page says it needs.
    expect(DEFAULT_ENDPOINTS.fetchCompletedKyc).toMatchObject({
      method: 'POST',
      path: '/v1/qr/sessions/{codeId}/kyc',
      kind: 'read',
      scope: 'kyc_passport_qr',
    });
    expect(DEFAULT_ENDPOINTS.kycPassportInfo).toMatchObject({
      method: 'GET',
      path: '/v1/kyc/passport',
      scope: 'mini_app_kyc_passport',
    });
    expect(DEFAULT_ENDPOINTS.userKycInfo).toMatchObject({
      method: 'GET',
      path: '/v2/user/kycInfo',
      scope: 'get_kyc_info',
    });
  });

  it('overrides one entry and keeps the rest', () => {
    const result = parseEndpoints(
      '{"kycPassportInfo":{"path":"/v2/kyc/passport","timeoutMs":3000}}',
    );
    expect(result.ok && result.value.kycPassportInfo).toEqual({
      method: 'GET',
      path: '/v2/kyc/passport',
      timeoutMs: 3000,
      kind: 'read',
      scope: 'mini_app_kyc_passport',
    });
    expect(result.ok && result.value.createQr).toEqual(DEFAULT_ENDPOINTS.createQr);
  });

  it('overrides the whole table', () => {
    const result = parseEndpoints(
      JSON.stringify({
        createQr: { path: '/a' },
        fetchCompletedKyc: { method: 'GET', path: '/b/{codeId}' },
        kycPassportInfo: { path: '/c' },
        userKycInfo: { path: '/d' },
        userAuthorization: { path: '/e' },
        unlinkUser: { method: 'POST', path: '/f/{userAuthorizationId}/unlink' },
      }),
    );
    expect(result.ok && Object.values(result.value).map((e) => e.path)).toEqual([
      '/a',
      '/b/{codeId}',
      '/c',
      '/d',
      '/e',
      '/f/{userAuthorizationId}/unlink',
    ]);
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['an unknown operation', '{"refund":{}}', 'unknown operation "refund"'],
    ['an unknown field', '{"createQr":{"kind":"read"}}', 'unknown field "kind"'],
    ['a bad method', '{"createQr":{"method":"PATCH"}}', 'method must be GET, POST or DELETE'],
    [
      'an unlink path without its id',
      '{"unlinkUser":{"path":"/v2/user/authorizations"}}',
      'must contain {userAuthorizationId} once',
    ],
    [
      'a placeholder of another call',
      '{"unlinkUser":{"path":"/v2/x/{codeId}"}}',
      'must contain {userAuthorizationId} once',
    ],
    ['a full URL', '{"createQr":{"path":"https://evil.example/x"}}', 'absolute path'],
    ['a query string', '{"userKycInfo":{"path":"/x?y=1"}}', 'absolute path'],
    ['a missing {codeId}', '{"fetchCompletedKyc":{"path":"/x/kyc"}}', '{codeId} once'],
    ['a stray placeholder', '{"createQr":{"path":"/x/{codeId}"}}', 'no placeholder'],
    ['a zero timeout', '{"createQr":{"timeoutMs":0}}', 'timeoutMs must be'],
    ['a fractional timeout', '{"createQr":{"timeoutMs":10.5}}', 'timeoutMs must be'],
  ])('refuses %s with a reason naming the setting', (_, raw, reason) => {
    const result = parseEndpoints(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(reason);
    expect(!result.ok && result.error).toContain('PAYPAY_ENDPOINTS');
  });
});
