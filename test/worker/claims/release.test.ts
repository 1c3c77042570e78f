import { describe, expect, it } from 'vitest';
import { birthDateOf } from '../../../worker/claims/birth-date';
import { methodValues, releaseClaims } from '../../../worker/claims/release';
import { parseFields } from '../../../worker/paypay/fields';
import { DATE_FORMATS, DEFAULT_KYC_FIELDS } from '../../../worker/paypay/kyc-fields';

// PayPay publishes no example of its KYC info: where each fact is and how the
// birth date is written are guesses, each a PAYPAY_FIELDS.kyc entry.
const at = Date.parse('2026-05-05T00:00:00+09:00');
const paypay = {
  kycType: 'EKYC',
  kycCompletedAt: 1_700_000_000,
  name: { lastName: '山田', firstName: '太郎', lastNameKana: 'ヤマダ', firstNameKana: 'タロウ' },
  dateOfBirth: '2006-05-05',
  gender: 'MALE',
  address: { prefecture: '東京都', city: '千代田区' },
  eKycDocument: { type: 'MY_NUMBER_CARD' },
};

describe('birthDateOf', () => {
  it('reads each allowed format, as yyyy-mm-dd', () => {
    const all = [...DATE_FORMATS];
    expect(birthDateOf('2006-05-05', all)).toBe('2006-05-05');
    expect(birthDateOf('20060505', all)).toBe('2006-05-05');
    expect(birthDateOf(20060505, all)).toBe('2006-05-05');
    expect(birthDateOf('2006/5/5', all)).toBe('2006-05-05');
    expect(birthDateOf({ year: 2006, month: 5, day: '5' }, all)).toBe('2006-05-05');
    // An instant is its day in Japan: 15:00 UTC on 4 May is 5 May in Tokyo.
    expect(birthDateOf('2006-05-04T15:00:00Z', all)).toBe('2006-05-05');
    expect(birthDateOf('2006-05-05T00:00:00+09:00', all)).toBe('2006-05-05');
  });

  it('reads only the formats allowed, and never a date that does not exist', () => {
    expect(birthDateOf('20060505', ['yyyy-MM-dd'])).toBeNull();
    expect(birthDateOf('2006-05-05T00:00:00', ['iso8601'])).toBeNull();
    for (const bad of ['2006-02-30', '2006-13-01', '05/05/2006', 'unknown', '', null, 1.5, {}]) {
      expect(birthDateOf(bad, [...DATE_FORMATS]), String(bad)).toBeNull();
    }
  });
});

describe('releaseClaims', () => {
  it('keeps only the asked claims; kyc whole only when asked', () => {
    const released = releaseClaims(paypay, ['age_over_18', 'age_over_20'], DEFAULT_KYC_FIELDS, at);
    expect(released).toEqual({
      claims: { age_over_18: true, age_over_20: true },
      kyc: null,
      unavailable: {},
      document: {
        kycType: 'EKYC',
        eKycDocument: { type: 'MY_NUMBER_CARD' },
        kycCompletedAt: 1_700_000_000,
      },
    });
    expect(releaseClaims(paypay, ['kyc'], DEFAULT_KYC_FIELDS, at).kyc).toBe(paypay);
  });

  it('counts the age on the day of verification: 19 the evening before the 20th birthday', () => {
    const evening = Date.parse('2026-05-04T23:59:59+09:00');
    expect(releaseClaims(paypay, ['age_over_20'], DEFAULT_KYC_FIELDS, evening).claims).toEqual({
      age_over_20: false,
    });
  });

  it('gives null and CLAIM_UNAVAILABLE, naming the fields looked for, when PayPay sent none', () => {
    const { dateOfBirth: _gone, name: _name, ...without } = paypay;
    const released = releaseClaims(
      without,
      ['age_over_20', 'name', 'gender'],
      DEFAULT_KYC_FIELDS,
      at,
    );
    expect(released.claims).toEqual({ age_over_20: null, name: null, gender: 'MALE' });
    expect(released.unavailable.age_over_20).toEqual({
      code: 'CLAIM_UNAVAILABLE',
      fields: ['kyc.dateOfBirth'],
      message: expect.stringContaining('PAYPAY_FIELDS.kyc'),
    });
    expect(released.unavailable.name?.fields).toEqual(['kyc.lastName', 'kyc.firstName']);
    expect(JSON.stringify(released.unavailable)).not.toContain('MALE');
  });

  it('follows PAYPAY_FIELDS.kyc when PayPay names a field otherwise', () => {
    const fields = parseFields(
      JSON.stringify({ kyc: { dateOfBirth: 'person.birth', dateOfBirthFormats: ['yyyyMMdd'] } }),
    );
    expect(fields.ok).toBe(true);
    const kyc = { person: { birth: '20080505' } };
    const table = fields.ok ? fields.value.kyc : DEFAULT_KYC_FIELDS;
    expect(releaseClaims(kyc, ['age_over_18', 'date_of_birth'], table, at).claims).toEqual({
      age_over_18: true,
      date_of_birth: '2008-05-05',
    });
  });
});

describe('PAYPAY_FIELDS.kyc', () => {
  it('refuses the whole setting for an entry it cannot use, naming it', () => {
    const refused = (kyc: unknown) => {
      const parsed = parseFields(JSON.stringify({ kyc }));
      return parsed.ok ? null : parsed.error;
    };
    expect(refused({ dateOfBirth: 'a..b' })).toContain('PAYPAY_FIELDS.kyc.dateOfBirth');
    expect(refused({ dateOfBirthFormats: ['dd/MM/yyyy'] })).toContain('dateOfBirthFormats');
    expect(refused({ nickname: 'x' })).toContain('unknown entry "nickname"');
    expect(refused([])).toContain('must be an object');
    expect(refused({ gender: [] })).toContain('PAYPAY_FIELDS.kyc.gender');
  });
});

describe('methodValues', () => {
  it('counts kycType and every text inside eKycDocument', () => {
    expect(
      methodValues({
        kycType: 'EKYC',
        eKycDocument: { type: 'MY_NUMBER_CARD', chip: { read: 'IC' } },
      }),
    ).toEqual(['EKYC', 'MY_NUMBER_CARD', 'IC']);
    expect(methodValues({ eKycDocument: 'DRIVERS_LICENSE' })).toEqual(['DRIVERS_LICENSE']);
    expect(methodValues({})).toEqual([]);
  });
});
