import { err, ok, type Result } from '../../shared/result';
import { DEFAULT_KYC_FIELDS, parseKycFields, type KycFieldTable } from './kyc-fields';

/**
 * The PayPay fields we guess [G]: PayPay's page names the `kycPassport` object of
 * "Create Account Linking QR Code" but not its contents, and shows no answer
 * beyond `linkQRCodeURL`. Each guess is one entry here, replaceable through
 * `PAYPAY_FIELDS` without a code change (docs/paypay-assumptions.md).
 */
export interface FieldTable {
  createQr: {
    /** [G] The `kycPassport` object sent; the string `{codeChallenge}` is replaced by the PKCE S256 challenge. */
    kycPassport: Record<string, unknown>;
    /** [G] Where in `data` the QR's code id may be, tried in order (never `resultInfo.codeId`, the result code). */
    codeId: string[];
    /** [G] Where in `data` the QR's expiry may be, tried in order: epoch seconds, milliseconds or ISO 8601. */
    expiry: string[];
    /** [C] Where in `data` the QR's link is (`linkQRCodeURL` in PayPay's README). */
    link: string[];
  };
  /** [G] Where each fact of the KYC info is, for the claims (kyc-fields.ts). */
  kyc: KycFieldTable;
}

/** The placeholder in `kycPassport` values. */
export const CODE_CHALLENGE_PLACEHOLDER = '{codeChallenge}';

export const DEFAULT_FIELDS: FieldTable = {
  createQr: {
    kycPassport: { codeChallenge: CODE_CHALLENGE_PLACEHOLDER, codeChallengeMethod: 'S256' },
    codeId: ['codeId', 'kycPassport.codeId', 'qrCodeId', 'code.codeId'],
    expiry: ['expiryDate', 'expiresAt', 'expiredAt', 'kycPassport.expiryDate'],
    link: ['linkQRCodeURL'],
  },
  kyc: DEFAULT_KYC_FIELDS,
};

/** The field table, or why `PAYPAY_FIELDS` could not be used. */
export type FieldsResult = Result<FieldTable, string>;

const LIST_KEYS = ['codeId', 'expiry', 'link'] as const;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/;

/**
 * Reads `PAYPAY_FIELDS`: JSON `{"createQr": {...}, "kyc": {...}}` whose entries replace the
 * defaults one by one. Refused whole when anything is off, with a reason naming
 * the entry: a half-applied guess is found only at the first live call.
 */
export function parseFields(raw: string | undefined): FieldsResult {
  if (raw === undefined || raw.trim() === '') return ok(DEFAULT_FIELDS);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return err('PAYPAY_FIELDS is not valid JSON');
  }
  if (!isPlainObject(parsed)) return err('PAYPAY_FIELDS must be a JSON object');
  for (const key of Object.keys(parsed)) {
    if (key !== 'createQr' && key !== 'kyc')
      return err(`PAYPAY_FIELDS has an unknown entry "${key}"`);
  }
  const kyc = parseKycFields(parsed.kyc);
  if (!kyc.ok) return kyc;
  const override = parsed.createQr;
  if (override === undefined) return ok({ ...DEFAULT_FIELDS, kyc: kyc.value });
  if (!isPlainObject(override)) return err('PAYPAY_FIELDS.createQr must be an object');
  const createQr = { ...DEFAULT_FIELDS.createQr };
  for (const [key, value] of Object.entries(override)) {
    const where = `PAYPAY_FIELDS.createQr.${key}`;
    if (key === 'kycPassport') {
      if (!isPlainObject(value) || JSON.stringify(value).length > 2000)
        return err(`${where} must be a JSON object (at most 2000 characters)`);
      createQr.kycPassport = value;
    } else if ((LIST_KEYS as readonly string[]).includes(key)) {
      const list = typeof value === 'string' ? [value] : value;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        list.length > 10 ||
        !list.every((path) => typeof path === 'string' && FIELD_PATH.test(path))
      ) {
        return err(
          `${where} must be a field path (like "kycPassport.codeId") or a list of 1-10 of them`,
        );
      }
      createQr[key as (typeof LIST_KEYS)[number]] = list as string[];
    } else {
      return err(`PAYPAY_FIELDS.createQr has an unknown entry "${key}"`);
    }
  }
  return ok({ createQr, kyc: kyc.value });
}

/** The `kycPassport` object to send, with the challenge put in its placeholders. */
export function kycPassportBody(template: Record<string, unknown>, codeChallenge: string): unknown {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replaceAll(CODE_CHALLENGE_PLACEHOLDER, codeChallenge);
    if (Array.isArray(value)) return value.map(fill);
    if (isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(template);
}

/** The value at a dotted path of an object, or undefined. */
export function valueAt(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * The field names (never values) of an answer, two levels deep: what an error
 * may say about an answer it could not read.
 */
export function fieldNames(data: unknown, limit = 30): string[] {
  const names: string[] = [];
  if (!isPlainObject(data)) return names;
  for (const [key, value] of Object.entries(data)) {
    names.push(safeName(key));
    if (isPlainObject(value)) {
      for (const inner of Object.keys(value)) names.push(`${safeName(key)}.${safeName(inner)}`);
    }
  }
  return names.slice(0, limit);
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '?').slice(0, 64);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
