import { describe, expect, it } from 'vitest';
import { periodOf } from '../../../worker/recon/period';

describe('periodOf', () => {
  it('reads the days from PayPay file names', () => {
    expect(periodOf('https://f.test/kyc_passport_M1_20260801_20260801.csv?x=1', 0)).toEqual({
      from: '2026-08-01',
      to: '2026-08-01',
    });
    expect(periodOf('https://f.test/kyc_passport_risk_C9_20260801_20260803.csv', 0)).toEqual({
      from: '2026-08-01',
      to: '2026-08-03',
    });
  });

  it('falls back to the JST day before requestedAt', () => {
    // 2026-08-02 03:00 JST is 2026-08-01 18:00 UTC.
    const requestedAt = Date.UTC(2026, 7, 1, 18);
    expect(periodOf('https://f.test/file.csv', requestedAt)).toEqual({
      from: '2026-08-01',
      to: '2026-08-01',
    });
    expect(periodOf('https://f.test/kyc_passport_M1_20261399_20261399.csv', requestedAt).from).toBe(
      '2026-08-01',
    );
  });
});
