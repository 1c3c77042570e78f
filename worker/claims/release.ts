import { AGE_CLAIMS, type ClaimName, type ClaimUnavailable } from '../../shared/claims';
import type { KycInfo } from '../paypay/call';
import { valueAt } from '../paypay/fields';
import type { KycFieldName, KycFieldTable } from '../paypay/kyc-fields';
import { ageOver } from './age';
import { birthDateOf } from './birth-date';

/** A claim's value: JSON as PayPay sent it, a boolean for an age, or null when unavailable. */
export type ClaimValue = string | number | boolean | null | object;

/** How PayPay checked the user, as PayPay sent it: the receipt's `document`, the `document` claim. */
export interface DocumentFields {
  kycType?: ClaimValue;
  eKycDocument?: ClaimValue;
  kycCompletedAt?: ClaimValue;
}

/**
 * What a session keeps of PayPay's answer from the moment PayPay answers: the
 * asked claims only (`kyc` whole only when asked), why any asked claim has no
 * value, and how PayPay checked the user (not personal: the receipt's part).
 */
export interface Released {
  claims: Partial<Record<Exclude<ClaimName, 'kyc'>, ClaimValue>>;
  kyc: KycInfo | null;
  unavailable: Partial<Record<ClaimName, ClaimUnavailable>>;
  document: DocumentFields;
}

/** The fields each claim is made of (the age claims read the birth date). */
const CLAIM_FIELDS: Record<Exclude<ClaimName, 'kyc'>, readonly KycFieldName[]> = {
  age_over_18: ['dateOfBirth'],
  age_over_20: ['dateOfBirth'],
  date_of_birth: ['dateOfBirth'],
  name: ['lastName', 'firstName'],
  name_kana: ['lastNameKana', 'firstNameKana'],
  address: ['address'],
  gender: ['gender'],
  residence: ['residenceType', 'expiryDate'],
  document: ['kycType', 'eKycDocument', 'kycCompletedAt'],
};

/**
 * Builds the asked claims from PayPay's KYC info at `verifiedAt` (the ages are
 * counted on that day in Japan time). A claim whose fields are not found, or
 * whose birth date reads in none of the allowed formats, is null with a
 * `CLAIM_UNAVAILABLE` reason naming the fields looked for: never a guess.
 */
export function releaseClaims(
  kyc: KycInfo,
  asked: readonly ClaimName[],
  fields: KycFieldTable,
  verifiedAt: number,
): Released {
  const released: Released = {
    claims: {},
    kyc: asked.includes('kyc') ? kyc : null,
    unavailable: {},
    document: pick(kyc, fields, CLAIM_FIELDS.document),
  };
  for (const claim of asked) {
    if (claim === 'kyc') continue;
    const value = claimValue(claim, kyc, fields, verifiedAt);
    released.claims[claim] = value;
    if (value === null) released.unavailable[claim] = unavailable(claim, fields);
  }
  return released;
}

function claimValue(
  claim: Exclude<ClaimName, 'kyc'>,
  kyc: KycInfo,
  fields: KycFieldTable,
  verifiedAt: number,
): ClaimValue {
  if (claim === 'date_of_birth' || claim in AGE_CLAIMS) {
    const birth = birthDateOf(first(kyc, fields.dateOfBirth), fields.dateOfBirthFormats);
    if (birth === null || claim === 'date_of_birth') return birth;
    return ageOver(AGE_CLAIMS[claim as keyof typeof AGE_CLAIMS], birth, verifiedAt);
  }
  const parts = pick(kyc, fields, CLAIM_FIELDS[claim]);
  const names = Object.keys(parts);
  if (names.length === 0) return null;
  // One-field claims are the value itself; the others an object of the fields found.
  return CLAIM_FIELDS[claim].length === 1 ? (parts[names[0]!] ?? null) : parts;
}

/** The fields found, by name, each at the first of its paths that holds a value. */
function pick(
  kyc: KycInfo,
  fields: KycFieldTable,
  names: readonly KycFieldName[],
): Record<string, ClaimValue> {
  const found: Record<string, ClaimValue> = {};
  for (const name of names) {
    const value = first(kyc, fields[name]);
    if (value !== undefined && value !== null && value !== '') found[name] = value as ClaimValue;
  }
  return found;
}

function first(kyc: KycInfo, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = valueAt(kyc, path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function unavailable(claim: ClaimName, fields: KycFieldTable): ClaimUnavailable {
  const names = claim === 'kyc' ? [] : CLAIM_FIELDS[claim];
  return {
    code: 'CLAIM_UNAVAILABLE',
    fields: names.map((name) => `kyc.${name}`),
    message: `PayPay's answer had no readable ${names.join(', ')} at ${names
      .map((name) => fields[name].join(' | '))
      .join('; ')}: set PAYPAY_FIELDS.kyc if PayPay names it otherwise`,
  };
}

/**
 * The values that say how PayPay checked the user, for `ACCEPTED_KYC_METHODS`:
 * `kycType`, and `eKycDocument` as text or each text inside it (its contents
 * are not published, so an object such as `{type: "MY_NUMBER_CARD"}` counts by
 * its values).
 */
export function methodValues(document: DocumentFields): string[] {
  const values: string[] = [];
  const collect = (value: unknown, depth: number) => {
    if (typeof value === 'string' && value !== '') values.push(value);
    else if (depth < 2 && typeof value === 'object' && value !== null)
      for (const inner of Object.values(value)) collect(inner, depth + 1);
  };
  collect(document.kycType, 0);
  collect(document.eKycDocument, 0);
  return values;
}
