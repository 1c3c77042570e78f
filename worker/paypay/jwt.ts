import { decodeBase64, decodeBase64Url } from './base64';
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
  | { verdict: 'invalid'; reason: InvalidReason };

/** Inputs of verification; `expectedNonce` is the nonce stored for the session, when known. */
export interface VerifyOptions {
  apiKey: string;
  /** The API secret as configured; the JWT key is its base64 decoding. */
  apiSecret: string;
  expectedNonce?: string | undefined;
  /** Milliseconds since the epoch. */
  now?: number;
}

const ISSUER = 'paypay.ne.jp';
const MAX_TOKEN_CHARS = 4096;
const UAID_PATTERN = /^[A-Za-z0-9\-_.:]{1,64}$/;
const RESULTS = new Set(['succeeded', 'declined', 'bad_request']);

/**
 * Checks PayPay's responseToken (../shared/paypay/README.md): HS256 only, keyed
 * with the base64-decoded API secret, right issuer and audience, unexpired,
 * nonce equal to the session's. It never throws, whatever the input, so the
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
  const parts = token.split('.');
  if (parts.length !== 3) return invalid('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = readJsonObject(headerPart);
  const payload = readJsonObject(payloadPart);
  const signature = decodeBase64Url(signaturePart);
  if (header === null || payload === null || signature === null) return invalid('malformed');
  // Only HS256: "none" and asymmetric algorithms are how forged tokens get in.
  if (header.alg !== 'HS256') return invalid('algorithm');
  const keyBytes = decodeBase64(options.apiSecret);
  if (keyBytes === null || keyBytes.byteLength === 0) return invalid('key');
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  if (!(await crypto.subtle.verify('HMAC', key, signature, signed))) return invalid('signature');
  return checkClaims(payload, options);
}

function checkClaims(payload: Record<string, unknown>, options: VerifyOptions): TokenVerdict {
  const { iss, aud, exp, nonce, result, referenceId } = payload;
  if (iss !== ISSUER) return invalid('issuer');
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.apiKey)) return invalid('audience');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return invalid('claims');
  if (exp * 1000 <= (options.now ?? Date.now())) return invalid('expired');
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

function readJsonObject(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(part);
  if (bytes === null) return null;
  const value: unknown = JSON.parse(
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes),
  );
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function invalid(reason: InvalidReason): TokenVerdict {
  return { verdict: 'invalid', reason };
}
