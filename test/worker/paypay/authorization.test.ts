import { describe, expect, it } from 'vitest';
import { readAuthorization } from '../../../worker/paypay/authorization';

describe("readAuthorization: PayPay's authorization status, read liberally", () => {
  it("reads the shape of PayPay's SDK mock (epoch seconds)", () => {
    expect(
      readAuthorization({
        userAuthorizationId: 'u-1',
        referenceIds: ['r-1', 'r-2'],
        status: 'ACTIVE',
        scopes: ['kyc_passport_qr', 'mini_app_kyc_passport'],
        expireAt: 1629761030,
        issuedAt: 1587125811,
      }),
    ).toEqual({
      status: 'ACTIVE',
      scopes: ['kyc_passport_qr', 'mini_app_kyc_passport'],
      expiresAt: 1629761030_000,
      issuedAt: 1587125811_000,
      referenceIds: ['r-1', 'r-2'],
    });
  });

  it.each([
    ['milliseconds', 1629761030_000, 1629761030_000],
    ['a digit string', '1629761030', 1629761030_000],
    ['ISO 8601', '2021-08-23T23:23:50Z', Date.parse('2021-08-23T23:23:50Z')],
    ['junk', 'soon', null],
    ['zero', 0, null],
  ])('reads an expiry in %s', (_name, expireAt, expected) => {
    expect(readAuthorization({ expireAt }).expiresAt).toBe(expected);
  });

  it('accepts expiresAt as well as expireAt', () => {
    expect(readAuthorization({ expiresAt: 1629761030 }).expiresAt).toBe(1629761030_000);
  });

  it('turns missing or mistyped fields into null, never a refusal', () => {
    const empty = { status: null, scopes: null, expiresAt: null, issuedAt: null, referenceIds: [] };
    expect(readAuthorization(null)).toEqual(empty);
    expect(readAuthorization([])).toEqual(empty);
    expect(readAuthorization({ status: 7, scopes: 'a b', referenceIds: {} })).toEqual(empty);
    expect(readAuthorization({ status: 'x'.repeat(65) }).status).toBeNull();
    expect(readAuthorization({ scopes: ['ok', 3, '', null, 'x'.repeat(65)] }).scopes).toEqual([
      'ok',
    ]);
  });
});
