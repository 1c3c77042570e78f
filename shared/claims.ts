import { err, ok, type Result } from './result';

/**
 * The claims a session may ask for (issue 23): what the merchant receives of a
 * verified identity. `kyc` is everything as PayPay sent it (the behaviour before
 * claims existed, and the default); each other claim is one fact, built by the
 * Worker from PayPay's answer so that the rest of it is never stored.
 */
export const CLAIM_NAMES = [
  'age_over_18',
  'age_over_20',
  'name',
  'name_kana',
  'date_of_birth',
  'address',
  'gender',
  'residence',
  'document',
  'kyc',
] as const;
export type ClaimName = (typeof CLAIM_NAMES)[number];

/** What a session that names no claims receives: everything, as before claims existed. */
export const DEFAULT_CLAIMS: readonly ClaimName[] = ['kyc'];

/** The thresholds of the `age_over_N` claims, by claim. */
export const AGE_CLAIMS = { age_over_18: 18, age_over_20: 20 } as const satisfies Partial<
  Record<ClaimName, number>
>;

export function isClaimName(value: unknown): value is ClaimName {
  return (CLAIM_NAMES as readonly unknown[]).includes(value);
}

/**
 * A list of claims as a request or the element's attribute gives it: an array
 * of names, or one string of names separated by spaces or commas. Refused whole
 * when empty, when a name is unknown or repeated: a merchant who misspells
 * `age_over_20` must learn it now, not receive a different set of facts.
 * Answered in `CLAIM_NAMES` order, so the same set always reads the same.
 */
export function parseClaims(value: unknown): Result<ClaimName[], string> {
  const names = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(names) || names.length === 0 || names.length > CLAIM_NAMES.length)
    return err(`claims must be a list of 1-${CLAIM_NAMES.length} claim names`);
  const seen = new Set<ClaimName>();
  for (const name of names) {
    if (!isClaimName(name))
      return err(
        `claims has an unknown name "${String(name).slice(0, 32)}" (known: ${CLAIM_NAMES.join(', ')})`,
      );
    if (seen.has(name)) return err(`claims names "${name}" twice`);
    seen.add(name);
  }
  return ok(CLAIM_NAMES.filter((name) => seen.has(name)));
}

/** Why a claim that was asked for has no value: `null` in `claims`, its reason here. */
export interface ClaimUnavailable {
  code: 'CLAIM_UNAVAILABLE';
  /** The PAYPAY_FIELDS entries that were looked for, never a value. */
  fields: string[];
  message: string;
}
