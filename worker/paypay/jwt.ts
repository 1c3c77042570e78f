import { errors, jwtVerify, type JWTPayload } from 'jose';
import { decodeBase64 } from './base64';
import { sameString } from '../compare';

/** Why a responseToken was refused. */
export type InvalidReason =
  | 'malformed'
  | 'algorithm'
  | 'key'
  | 'signature'
  | 'expired'
  | 'issuer'
  | 'audience'
  | 'nonce'
  | 'claims';

/** Claims common to every verdict that passed the signature. */
export interface TokenClaims {
  nonce: string;
  referenceId: string | null;
  exp: number;
}

/** What a responseToken says, once its signature and claims have been checked. */
export type TokenVerdict =
  | {
      verdict: 'ok';
      claims: TokenClaims & { userAuthorizationId: string; profileIdentifier: string | null };
    }
  | { verdict: 'declined'; claims: TokenClaims }
  | { verdict: 'bad_request'; claims: TokenClaims }
  | { verdict: 'invalid'; reason: Exclude<InvalidReason, 'audience'> }
  /**
   * Signed with our secret but for another audience: `seen` is its `aud`, as a
   * list; `nonce` names its session when the token is otherwise current.
   */
  | { verdict: 'invalid'; reason: 'audience'; seen: string[]; nonce: string | null };

/** Inputs of verification; `expectedNonce` is the nonce stored for the session, when known. */
export interface VerifyOptions {
  /** What `aud` may be: the client ID and the API key (`acceptedAudiences`). */
  audiences: readonly string[];
  /** The API secret as configured; the JWT key is its base64 decoding. */
  apiSecret: string;
  expectedNonce?: string | undefined;
  /** Milliseconds since the epoch. */
  now?: number;
}

const ISSUER = 'paypay.ne.jp';
/** Clocks drift: a token a minute past its expiry, by our clock, is still PayPay's. */
const CLOCK_LEEWAY_SECONDS = 60;
/** PayPay's tokens expire in minutes; a longer one is refused. */
const MAX_LIFETIME_MS = 15 * 60_000;
const MAX_TOKEN_CHARS = 4096;
const UAID_PATTERN = /^[A-Za-z0-9\-_.:]{1,64}$/;
const RESULTS = new Set(['succeeded', 'declined', 'bad_request']);
/** How much of a refused `aud` the verdict carries: enough to name it in a log line. */
const MAX_AUDIENCES_SEEN = 5;
const MAX_AUDIENCE_CHARS = 128;

/**
 * Checks PayPay's responseToken (docs/paypay-assumptions.md): HS256 only, keyed
 * with the base64-decoded API secret, no `crit` we do not know, right issuer,
 * an audience among `audiences` (a string `aud` or a list holding one of them),
 * unexpired (60 s leeway), at most 15 minutes of life, nonce equal to the
 * session's in constant time. It never throws, whatever the input, so the
 * callback can always show the phone a page.
 */
export async function verifyResponseToken(
  token: string,
  options: VerifyOptions,
): Promise<TokenVerdict> {
  try {
    return await verify(token, options);
  } catch {
    return { verdict: 'invalid', reason: 'malformed' };
  }
}

async function verify(token: string, options: VerifyOptions): Promise<TokenVerdict> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return invalid('malformed');
  const key = decodeBase64(options.apiSecret);
  if (key === null || key.byteLength === 0) return invalid('key');
  const now = options.now ?? Date.now();
  let payload: JWTPayload;
  try {
    // jose: a widely reviewed verifier made for Workers. It refuses every
    // algorithm but HS256 ("none" and asymmetric ones are how forged tokens get
    // in) and any `crit` header it does not understand.
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: [...options.audiences],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_LEEWAY_SECONDS,
      currentDate: new Date(now),
    }));
  } catch (error) {
    // jose checks the signature before any claim, so a refused `aud` is in a
    // token signed with our secret: its payload is PayPay's, safe to name.
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
      const { aud, nonce, exp } = error.payload;
      // jose checks `aud` before `exp`: only a current token may name its session.
      const current = typeof exp === 'number' && (exp + CLOCK_LEEWAY_SECONDS) * 1000 > now;
      const named = current && typeof nonce === 'string' && nonce !== '' && nonce.length <= 255;
      return {
        verdict: 'invalid',
        reason: 'audience',
        seen: audiencesIn(aud),
        nonce: named ? nonce : null,
      };
    }
    return invalid(reasonOf(error));
  }
  // PayPay's tokens live minutes: one that claims to live longer is not PayPay's.
  if (typeof payload.exp !== 'number' || payload.exp * 1000 - now > MAX_LIFETIME_MS)
    return invalid('claims');
  return checkClaims(payload as Record<string, unknown>, options);
}

/** The verdict of a token jose refused, by what it refused (the audience is handled apart). */
function reasonOf(error: unknown): Exclude<InvalidReason, 'audience'> {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'iss' ? 'issuer' : 'claims';
  }
  return 'malformed';
}

/** A refused `aud` as a short list of strings (none when it is missing or not text). */
function audiencesIn(aud: unknown): string[] {
  const values = Array.isArray(aud) ? (aud as unknown[]) : [aud];
  return values
    .filter((value): value is string => typeof value === 'string')
    .slice(0, MAX_AUDIENCES_SEEN)
    .map((value) => value.slice(0, MAX_AUDIENCE_CHARS));
}

function checkClaims(payload: Record<string, unknown>, options: VerifyOptions): TokenVerdict {
  // Issuer, audience and expiry were checked by jose.
  const { nonce, result, referenceId } = payload;
  const exp = payload.exp as number;
  if (typeof nonce !== 'string' || nonce === '' || nonce.length > 255) return invalid('claims');
  if (options.expectedNonce !== undefined && !sameString(nonce, options.expectedNonce))
    return invalid('nonce');
  if (typeof result !== 'string' || !RESULTS.has(result)) return invalid('claims');
  const claims: TokenClaims = {
    nonce,
    exp,
    referenceId: typeof referenceId === 'string' ? referenceId : null,
  };
  if (result === 'declined') return { verdict: 'declined', claims };
  if (result === 'bad_request') return { verdict: 'bad_request', claims };
  const { userAuthorizationId, profileIdentifier } = payload;
  if (typeof userAuthorizationId !== 'string' || !UAID_PATTERN.test(userAuthorizationId)) {
    return invalid('claims');
  }
  return {
    verdict: 'ok',
    claims: {
      ...claims,
      userAuthorizationId,
      profileIdentifier: typeof profileIdentifier === 'string' ? profileIdentifier : null,
    },
  };
}

function invalid(reason: Exclude<InvalidReason, 'audience'>): TokenVerdict {
  return { verdict: 'invalid', reason };
}
