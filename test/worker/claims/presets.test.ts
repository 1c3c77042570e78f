import { describe, expect, it } from 'vitest';
import { exchanged, verify } from './support';

// The sandbox's phone picks drive the Worker's claims: each threshold, no birth
// date, and a document outside ACCEPTED_KYC_METHODS.
describe('sandbox birth-date presets through the Worker', () => {
  it.each([
    ['age-17', { age_over_18: false, age_over_20: false }],
    ['18-tomorrow', { age_over_18: false, age_over_20: false }],
    ['18-today', { age_over_18: true, age_over_20: false }],
    ['19', { age_over_18: true, age_over_20: false }],
    ['20-tomorrow', { age_over_18: true, age_over_20: false }],
    ['20-today', { age_over_18: true, age_over_20: true }],
    ['adult', { age_over_18: true, age_over_20: true }],
    ['none', { age_over_18: null, age_over_20: null }],
  ])('%s gives %j', async (birthDate, claims) => {
    const { resultToken } = await verify(
      { claims: ['age_over_18', 'age_over_20'] },
      { fields: { birthDate } },
    );
    const body = await exchanged(resultToken!);
    expect(body.claims).toEqual(claims);
    if (birthDate === 'none')
      expect(body.unavailable).toHaveProperty('age_over_20.code', 'CLAIM_UNAVAILABLE');
  });

  it('DRIVERS_LICENSE_IMAGE is refused when only IC-chip methods are accepted', async () => {
    const overrides = { ACCEPTED_KYC_METHODS: 'MY_NUMBER_CARD,DRIVERS_LICENSE' };
    const refused = await verify({}, { overrides, fields: { document: 'DRIVERS_LICENSE_IMAGE' } });
    expect(refused.reason).toBe('KYC_METHOD_NOT_ACCEPTED');
    const accepted = await verify({}, { overrides, fields: { document: 'DRIVERS_LICENSE' } });
    expect(accepted.status).toBe('completed');
    const counter = await verify(
      {},
      { overrides: { ACCEPTED_KYC_METHODS: 'EKYC' }, fields: { document: 'COUNTER' } },
    );
    expect(counter.reason).toBe('KYC_METHOD_NOT_ACCEPTED');
  });
});
