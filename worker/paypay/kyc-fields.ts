import { err, ok, type Result } from '../../shared/result';

/**
 * Where in PayPay's KYC info each fact is [G]. PayPay names some fields in its
 * changelog (`eKycDocument`, `residenceType`, `expiryDate`, `selfieImageUrl`)
 * but publishes no example of the KYC info: every other path, and the birth
 * date's format, is our guess. Each entry is a list of dotted paths tried in
 * order, replaceable through `PAYPAY_FIELDS.kyc` (docs/paypay-assumptions.md).
 */
export const KYC_FIELD_NAMES = [
  'dateOfBirth',
  'lastName',
  'firstName',
  'lastNameKana',
  'firstNameKana',
  'address',
  'gender',
  'residenceType',
  'expiryDate',
  'kycType',
  'eKycDocument',
  'kycCompletedAt',
] as const;
export type KycFieldName = (typeof KYC_FIELD_NAMES)[number];

/**
 * The birth date's formats we read [G], tried in order. Liberal on purpose: a
 * birth date we cannot read is an `age_over_N` we cannot give.
 * `iso8601` is a date-time with an offset, taken as its day in Japan time;
 * `parts` is an object `{year, month, day}` of numbers or digits.
 */
export const DATE_FORMATS = ['yyyy-MM-dd', 'yyyyMMdd', 'yyyy/MM/dd', 'iso8601', 'parts'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export type KycFieldTable = Record<KycFieldName, string[]> & { dateOfBirthFormats: DateFormat[] };

export const DEFAULT_KYC_FIELDS: KycFieldTable = {
  dateOfBirth: ['dateOfBirth', 'birthDate', 'birthday', 'dob'],
  lastName: ['name.lastName', 'lastName', 'familyName'],
  firstName: ['name.firstName', 'firstName', 'givenName'],
  lastNameKana: ['name.lastNameKana', 'lastNameKana', 'familyNameKana'],
  firstNameKana: ['name.firstNameKana', 'firstNameKana', 'givenNameKana'],
  address: ['address'],
  gender: ['gender', 'sex'],
  // [C] named by PayPay's changelog of 2025-11-28 (scope kyc_foreign_status).
  residenceType: ['residenceType'],
  expiryDate: ['expiryDate'],
  kycType: ['kycType'],
  // [C] named by PayPay's changelog of 2024-06-04; its contents are not published.
  eKycDocument: ['eKycDocument'],
  kycCompletedAt: ['kycCompletedAt', 'kycCompletedDate', 'completedAt'],
  dateOfBirthFormats: [...DATE_FORMATS],
};

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/;

/**
 * `PAYPAY_FIELDS.kyc`: entries replacing the defaults one by one, refused
 * whole with a reason naming the entry when anything is off.
 */
export function parseKycFields(override: unknown): Result<KycFieldTable, string> {
  if (override === undefined) return ok(DEFAULT_KYC_FIELDS);
  if (typeof override !== 'object' || override === null || Array.isArray(override))
    return err('PAYPAY_FIELDS.kyc must be an object');
  const table: KycFieldTable = { ...DEFAULT_KYC_FIELDS };
  for (const [key, value] of Object.entries(override)) {
    const where = `PAYPAY_FIELDS.kyc.${key}`;
    const list: unknown = typeof value === 'string' ? [value] : value;
    if (key === 'dateOfBirthFormats') {
      if (!isListOf(list, (format) => (DATE_FORMATS as readonly unknown[]).includes(format)))
        return err(`${where} must be 1-10 of ${DATE_FORMATS.join(', ')}`);
      table.dateOfBirthFormats = list as DateFormat[];
    } else if ((KYC_FIELD_NAMES as readonly string[]).includes(key)) {
      if (!isListOf(list, (path) => typeof path === 'string' && FIELD_PATH.test(path)))
        return err(
          `${where} must be a field path (like "name.lastName") or a list of 1-10 of them`,
        );
      table[key as KycFieldName] = list as string[];
    } else {
      return err(`PAYPAY_FIELDS.kyc has an unknown entry "${key}"`);
    }
  }
  return ok(table);
}

function isListOf(list: unknown, check: (item: unknown) => boolean): boolean {
  return Array.isArray(list) && list.length > 0 && list.length <= 10 && list.every(check);
}
