import type { PayPayCode } from '../shared/paypay-codes';
import { isRecord } from './validate';
import type { Merchant, QrSession } from './types';

/** The createQr body fields the sandbox stores. */
export type QrRequest = Pick<
  QrSession,
  | 'scopes'
  | 'nonce'
  | 'redirectUrl'
  | 'redirectType'
  | 'referenceId'
  | 'phoneNumber'
  | 'userAgent'
  | 'kycData'
  | 'codeChallenge'
>;

/** The merchant's onboarding rules a redirectUrl must follow. */
export type RedirectRules = Pick<Merchant, 'callbackDomains' | 'strictRedirect'>;

/** A rejected field: PayPay's code and a message naming the field. */
export interface FieldError {
  code: Extract<PayPayCode, 'INVALID_PARAMS' | 'MISSING_REQUEST_PARAMS'>;
  message: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: FieldError };

const MAX_LENGTH = 255;
/** RFC 7636: BASE64URL(SHA-256(verifier)) is always 43 characters. */
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Validates a "Create Account Linking QR Code" body as PayPay documents it, for
 * the KYC Passport flow only (the sandbox serves nothing else). The first bad
 * field, in the spec's order, is the one reported.
 */
export function parseQrRequest(
  body: Record<string, unknown>,
  rules: RedirectRules = {},
): Parsed<QrRequest> {
  const { scopes, nonce, redirectUrl, referenceId, phoneNumber, userAgent, kycData } = body;
  if (scopes === undefined) return missing('scopes');
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isNonEmptyString)) {
    return invalid('scopes must be a non-empty array of strings');
  }
  if (!isNonEmptyString(nonce)) {
    return nonce === undefined ? missing('nonce') : invalid('nonce must be a non-empty string');
  }
  if (nonce.length > MAX_LENGTH) return invalid(`nonce must be at most ${MAX_LENGTH} characters`);
  const redirectType = body.redirectType ?? 'WEB_LINK';
  if (redirectType !== 'WEB_LINK' && redirectType !== 'APP_DEEP_LINK') {
    return invalid('redirectType must be WEB_LINK or APP_DEEP_LINK');
  }
  if (!isNonEmptyString(redirectUrl)) {
    return redirectUrl === undefined
      ? missing('redirectUrl')
      : invalid('redirectUrl must be a URL');
  }
  const urlError = redirectUrlError(redirectUrl, redirectType, rules);
  if (urlError) return invalid(urlError);
  for (const [field, value, max] of [
    ['referenceId', referenceId, MAX_LENGTH],
    ['phoneNumber', phoneNumber, 32],
    ['userAgent', userAgent, MAX_LENGTH],
    ['deviceId', body.deviceId, MAX_LENGTH],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length > max)) {
      return invalid(`${field} must be a string of at most ${max} characters`);
    }
  }
  if (kycData !== undefined && !isRecord(kycData)) return invalid('kycData must be an object');
  if (body.accountLinkFlow === undefined) return missing('accountLinkFlow');
  if (body.accountLinkFlow !== 'KYC_PASSPORT') {
    return invalid('accountLinkFlow must be KYC_PASSPORT');
  }
  const passport = body.kycPassport;
  if (passport === undefined) return missing('kycPassport');
  if (!isRecord(passport)) return invalid('kycPassport must be an object');
  const { codeChallenge, codeChallengeMethod } = passport;
  if (codeChallenge === undefined) return missing('kycPassport.codeChallenge');
  if (typeof codeChallenge !== 'string' || !CODE_CHALLENGE.test(codeChallenge)) {
    return invalid(
      'kycPassport.codeChallenge must be BASE64URL(SHA256(codeVerifier)), 43 characters',
    );
  }
  if (codeChallengeMethod === undefined) return missing('kycPassport.codeChallengeMethod');
  if (codeChallengeMethod !== 'S256') {
    return invalid('kycPassport.codeChallengeMethod must be S256');
  }
  return {
    ok: true,
    value: {
      scopes,
      nonce,
      redirectUrl,
      redirectType,
      codeChallenge,
      ...(typeof referenceId === 'string' ? { referenceId } : {}),
      ...(typeof phoneNumber === 'string' ? { phoneNumber } : {}),
      ...(typeof userAgent === 'string' ? { userAgent } : {}),
      ...(isRecord(kycData) ? { kycData } : {}),
    },
  };
}

/**
 * PayPay: a WEB_LINK callback "must be HTTPS, and its domain should be in the
 * allowed authorization callback domains". Loopback http is allowed for local
 * development unless the merchant asked for PayPay's strictness.
 */
function redirectUrlError(
  value: string,
  redirectType: QrRequest['redirectType'],
  rules: RedirectRules,
): string | null {
  if (value.length > MAX_LENGTH) return `redirectUrl must be at most ${MAX_LENGTH} characters`;
  if (!URL.canParse(value)) return 'redirectUrl must be an absolute URL';
  if (redirectType === 'APP_DEEP_LINK') return null;
  const url = new URL(value);
  if (url.protocol !== 'https:') {
    if (rules.strictRedirect) return 'redirectUrl must be https for WEB_LINK';
    if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
      return 'redirectUrl must be https for WEB_LINK (http only to localhost)';
    }
  }
  const domains = rules.callbackDomains;
  if (domains && !domains.includes(url.hostname)) {
    return `redirectUrl host ${url.hostname} is not one of the allowed authorization callback domains (${domains.join(', ')})`;
  }
  return null;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function missing(field: string): Parsed<never> {
  return { ok: false, error: { code: 'MISSING_REQUEST_PARAMS', message: `${field} is required` } };
}

function invalid(message: string): Parsed<never> {
  return { ok: false, error: { code: 'INVALID_PARAMS', message } };
}
