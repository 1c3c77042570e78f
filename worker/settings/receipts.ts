import { CLAIM_NAMES, parseClaims, type ClaimName } from '../../shared/claims';
import type { Environment } from './environment';
import { integer, parseList, type Complain, type RawSettings, type SettingProblem } from './values';

// The settings of claims and signed receipts (issue 23), read for parseConfig.

/** What a session may ask for, and which PayPay checks the merchant accepts. */
export interface ClaimConfig {
  /** The claims a public session (the element) may ask for: ALLOWED_CLAIMS, default all. */
  allowed: ClaimName[];
  /** `kycType` / `eKycDocument` values accepted (ACCEPTED_KYC_METHODS); empty = any. */
  acceptedMethods: string[];
}

/** An Ed25519 public key as the JWKS publishes it. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg?: 'EdDSA';
  use?: 'sig';
}

/** An Ed25519 private key (`d` besides `x`), with its key id. */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

export interface ReceiptConfig {
  /** RECEIPT_SIGNING_KEY; null = none set (development then uses a throwaway key). */
  key: PrivateJwk | null;
  /** RECEIPT_PREVIOUS_KEYS: retired public keys, still published so old receipts verify. */
  previous: PublicJwk[];
  /** Days the receipt log keeps each entry: RECEIPT_RETENTION_DAYS, default 2557 (seven years). */
  retentionDays: number;
}

const KEY_PART = /^[A-Za-z0-9_-]{43}$/;
const KID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_PREVIOUS_KEYS = 10;

export function parseClaimSettings(env: RawSettings, bad: Complain): ClaimConfig {
  let allowed: ClaimName[] = [...CLAIM_NAMES];
  const raw = env.ALLOWED_CLAIMS?.trim() ?? '';
  if (raw !== '') {
    const parsed = parseClaims(raw);
    if (parsed.ok) allowed = parsed.value;
    // Fails closed: a list we cannot read allows only the single-fact age claims.
    else {
      bad('ALLOWED_CLAIMS', `ALLOWED_CLAIMS: ${parsed.error}`);
      allowed = ['age_over_18', 'age_over_20'];
    }
  }
  const acceptedMethods = parseList(env.ACCEPTED_KYC_METHODS);
  if (acceptedMethods.some((method) => !/^[A-Za-z0-9_.:-]{1,64}$/.test(method)))
    bad('ACCEPTED_KYC_METHODS', 'ACCEPTED_KYC_METHODS must be words like MY_NUMBER_CARD');
  return { allowed, acceptedMethods };
}

export function parseReceiptSettings(
  env: RawSettings,
  environment: Environment,
  bad: Complain,
  warn: (warning: SettingProblem) => void,
): ReceiptConfig {
  let key: PrivateJwk | null = null;
  const raw = env.RECEIPT_SIGNING_KEY?.trim() ?? '';
  if (raw !== '') {
    const parsed = jwkOf(raw, true);
    if (parsed === null)
      bad(
        'RECEIPT_SIGNING_KEY',
        'RECEIPT_SIGNING_KEY must be an Ed25519 private JWK with kid, as `paypay-kyc receipt keygen` prints it',
      );
    key = parsed as PrivateJwk | null;
  } else {
    warn({
      setting: 'RECEIPT_SIGNING_KEY',
      problem: 'missing',
      reason:
        environment === 'production'
          ? 'RECEIPT_SIGNING_KEY is not set: exchanges answer receipt: null. Make one with `paypay-kyc receipt keygen`'
          : 'RECEIPT_SIGNING_KEY is not set: receipts are signed with a throwaway development key',
    });
  }
  const previous: PublicJwk[] = [];
  const rawPrevious = env.RECEIPT_PREVIOUS_KEYS?.trim() ?? '';
  if (rawPrevious !== '') {
    const list = listOf(rawPrevious);
    const keys = list?.map((item) => jwkOf(item, false));
    if (!keys || keys.length > MAX_PREVIOUS_KEYS || keys.some((k) => k === null))
      bad(
        'RECEIPT_PREVIOUS_KEYS',
        `RECEIPT_PREVIOUS_KEYS must be a JSON list (or {"keys": [...]}) of at most ${MAX_PREVIOUS_KEYS} Ed25519 public JWKs with kid, without "d"`,
      );
    else previous.push(...(keys as PublicJwk[]));
  }
  if (key !== null && previous.some((old) => old.kid === key.kid))
    bad('RECEIPT_PREVIOUS_KEYS', 'RECEIPT_PREVIOUS_KEYS repeats the kid of RECEIPT_SIGNING_KEY');
  return {
    key,
    previous,
    retentionDays: integer(env, 'RECEIPT_RETENTION_DAYS', 2557, 1, 36_500, bad),
  };
}

function listOf(raw: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed;
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    return Array.isArray(keys) ? keys : null;
  } catch {
    return null;
  }
}

/** A JWK of ours, or null: private ones must have `d`, public ones must not (a leak). */
function jwkOf(value: unknown, isPrivate: boolean): PublicJwk | PrivateJwk | null {
  let jwk = value;
  if (typeof value === 'string') {
    try {
      jwk = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return null;
  const { kty, crv, x, d, kid } = jwk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || !KEY_PART.test(x)) return null;
  if (typeof kid !== 'string' || !KID.test(kid)) return null;
  if (isPrivate !== (d !== undefined)) return null;
  if (isPrivate && (typeof d !== 'string' || !KEY_PART.test(d))) return null;
  const publicKey: PublicJwk = { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' };
  return isPrivate ? { ...publicKey, d: d as string } : publicKey;
}
