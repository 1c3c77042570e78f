// The per-merchant behaviours: parsing them and reading them off a Merchant.
// Their types (MerchantOptions and what it names) live in types.ts beside
// Merchant, which extends them, so this module imports types.ts and not back.
import { FOREIGN_STATUS_SCOPE, PAYPAY_SCOPE_OF } from '../shared/paypay-codes';
import { BIRTH_DATE_FORMATS, isBirthDateFormat } from './kyc-choices';
import type { Merchant, MerchantOptions, ReconFormat, RetryPolicyName } from './types';
import { fail, isIntegerIn, isRecord, type Result } from './validate';

/** How webhooks are retried: tries, pause between them, timeout of each. */
export interface RetryPolicy {
  attempts: number;
  /** Pause before try n (n >= 2). */
  pauseMs: (attempt: number) => number;
  timeoutMs: number;
}

/**
 * `default` is the sandbox's historic policy; `faq3` and `faq10` are the two
 * PayPay's FAQ describes ("at most 3 or 10 tries with a 1.5-2 s timeout").
 */
export const RETRY_POLICIES = {
  default: { attempts: 3, pauseMs: (n) => 200 * (n - 1), timeoutMs: 2000 },
  faq3: { attempts: 3, pauseMs: () => 100, timeoutMs: 2000 },
  faq10: { attempts: 10, pauseMs: () => 500, timeoutMs: 1500 },
} as const satisfies Record<RetryPolicyName, RetryPolicy>;

/** Every scope the sandbox knows: a client enables them all unless told otherwise. */
export const DEFAULT_CLIENT_SCOPES: readonly string[] = [
  ...Object.values(PAYPAY_SCOPE_OF).filter((scope) => scope !== null),
  FOREIGN_STATUS_SCOPE,
];

const LINE_ENDS = { CRLF: '\r\n', LF: '\n', CR: '\r' } as const;
const SCOPE = /^[\w.:-]{1,64}$/;
/** A DNS name or a bracketed IPv6 literal, as URL.hostname gives them. */
const HOSTNAME = /^(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)$/;
/** Header-safe: no control characters, so no header injection. */
const HEADER_VALUE = /^[\x20-\x7e]{0,128}$/;
const MAX_LIST = 32;
/** A word a token may carry in `aud`: printable, no spaces. */
const AUDIENCE = /^[\x21-\x7e]{1,128}$/;
const MAX_AUDIENCES = 5;
/** PayPay's API keys are the client ID, `_` and four letters or digits (docs/paypay-assumptions.md). */
const KEY_SUFFIX = /_[A-Za-z0-9]{4}$/;
/** A minute: short enough for a test to wait out, long enough to finish a phone flow. */
const MIN_AUTHORIZATION_VALIDITY_SECONDS = 60;
/** Ten years of 365 days. */
const MAX_AUTHORIZATION_VALIDITY_SECONDS = 10 * 365 * 86_400;
/**
 * A guess: PayPay documents no lifetime (its SDK mock's authorization lasts about
 * 493 days, from 2020-04-17 to 2021-08-23); the sandbox picks 400 days.
 */
export const DEFAULT_AUTHORIZATION_VALIDITY_SECONDS = 400 * 86_400;

/** Validates the option fields of a registration; only the fields given are returned. */
export function parseMerchantOptions(input: Record<string, unknown>): Result<MerchantOptions> {
  const options: MerchantOptions = {};
  const { clientId, clientScopes, ekyc, webhookContentType, reconFormat, webhookRetries } = input;
  const { callbackDomains, strictRedirect, clockOffsetSeconds, authorizationValiditySeconds } =
    input;
  const { tokenAudience, birthDateFormat } = input;
  if (clientId !== undefined) {
    if (typeof clientId !== 'string' || !/^[\w-]{1,64}$/.test(clientId)) {
      return fail('clientId must be 1-64 letters, digits, "_" or "-"');
    }
    options.clientId = clientId;
  }
  if (tokenAudience !== undefined) {
    const valid =
      (typeof tokenAudience === 'string' && AUDIENCE.test(tokenAudience)) ||
      (Array.isArray(tokenAudience) &&
        tokenAudience.length >= 1 &&
        tokenAudience.length <= MAX_AUDIENCES &&
        tokenAudience.every((item) => typeof item === 'string' && AUDIENCE.test(item)));
    if (!valid) {
      return fail(
        `tokenAudience must be "clientId", "apiKey", another word of 1-128 printable characters, or a list of 1-${MAX_AUDIENCES} of them`,
      );
    }
    options.tokenAudience = tokenAudience as string | string[];
  }
  if (clientScopes !== undefined) {
    if (!isList(clientScopes, (s) => SCOPE.test(s), 0)) {
      return fail(`clientScopes must be an array of at most ${MAX_LIST} scope names`);
    }
    options.clientScopes = clientScopes;
  }
  if (ekyc !== undefined) {
    if (typeof ekyc !== 'boolean') return fail('ekyc must be a boolean');
    options.ekyc = ekyc;
  }
  if (webhookContentType !== undefined) {
    if (typeof webhookContentType !== 'string' || !HEADER_VALUE.test(webhookContentType)) {
      return fail('webhookContentType must be a header value of at most 128 characters, or ""');
    }
    options.webhookContentType = webhookContentType;
  }
  if (reconFormat !== undefined) {
    const format = parseReconFormat(reconFormat);
    if (!format.ok) return format;
    options.reconFormat = format.value;
  }
  if (webhookRetries !== undefined) {
    if (typeof webhookRetries !== 'string' || !Object.hasOwn(RETRY_POLICIES, webhookRetries)) {
      return fail(`webhookRetries must be one of ${Object.keys(RETRY_POLICIES).join(', ')}`);
    }
    options.webhookRetries = webhookRetries as RetryPolicyName;
  }
  if (callbackDomains !== undefined) {
    if (!isList(callbackDomains, (h) => HOSTNAME.test(h.toLowerCase()), 1)) {
      return fail(`callbackDomains must be an array of 1-${MAX_LIST} hostnames`);
    }
    options.callbackDomains = callbackDomains.map((h) => h.toLowerCase());
  }
  if (strictRedirect !== undefined) {
    if (typeof strictRedirect !== 'boolean') return fail('strictRedirect must be a boolean');
    options.strictRedirect = strictRedirect;
  }
  if (clockOffsetSeconds !== undefined) {
    if (!isIntegerIn(clockOffsetSeconds, -86_400, 86_400)) {
      return fail('clockOffsetSeconds must be an integer from -86400 to 86400');
    }
    options.clockOffsetSeconds = clockOffsetSeconds;
  }
  if (authorizationValiditySeconds !== undefined) {
    if (
      !isIntegerIn(
        authorizationValiditySeconds,
        MIN_AUTHORIZATION_VALIDITY_SECONDS,
        MAX_AUTHORIZATION_VALIDITY_SECONDS,
      )
    ) {
      return fail(
        `authorizationValiditySeconds must be an integer from ${MIN_AUTHORIZATION_VALIDITY_SECONDS} to ${MAX_AUTHORIZATION_VALIDITY_SECONDS}`,
      );
    }
    options.authorizationValiditySeconds = authorizationValiditySeconds;
  }
  if (birthDateFormat !== undefined) {
    if (!isBirthDateFormat(birthDateFormat)) {
      return fail(`birthDateFormat must be one of ${BIRTH_DATE_FORMATS.join(', ')}`);
    }
    options.birthDateFormat = birthDateFormat;
  }
  return { ok: true, value: options };
}

function parseReconFormat(input: unknown): Result<ReconFormat> {
  if (!isRecord(input)) return fail('reconFormat must be an object');
  const { header, lineEnd, quoted, ...rest } = input;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return fail(`reconFormat.${unknown} is not header, lineEnd or quoted`);
  if (header !== undefined && typeof header !== 'boolean') {
    return fail('reconFormat.header must be a boolean');
  }
  if (
    lineEnd !== undefined &&
    !(typeof lineEnd === 'string' && Object.hasOwn(LINE_ENDS, lineEnd))
  ) {
    return fail('reconFormat.lineEnd must be CRLF, LF or CR');
  }
  if (quoted !== undefined && typeof quoted !== 'boolean') {
    return fail('reconFormat.quoted must be a boolean');
  }
  return {
    ok: true,
    value: {
      ...(header !== undefined ? { header } : {}),
      ...(lineEnd !== undefined ? { lineEnd: lineEnd as keyof typeof LINE_ENDS } : {}),
      ...(quoted !== undefined ? { quoted } : {}),
    },
  };
}

function isList(value: unknown, valid: (item: string) => boolean, min: number): value is string[] {
  return (
    Array.isArray(value) &&
    value.length >= min &&
    value.length <= MAX_LIST &&
    value.every((item) => typeof item === 'string' && valid(item))
  );
}

/** The characters that end a recon CSV line. */
export function lineEndOf(format: ReconFormat | undefined): string {
  return LINE_ENDS[format?.lineEnd ?? 'CRLF'];
}

/** The scopes this client may use (registrations made before the option have them all). */
export function clientScopesOf(merchant: Merchant): readonly string[] {
  return merchant.clientScopes ?? DEFAULT_CLIENT_SCOPES;
}

/** How long an authorization this merchant's users grant lasts. */
export function authorizationValidityOf(merchant: Merchant): number {
  return merchant.authorizationValiditySeconds ?? DEFAULT_AUTHORIZATION_VALIDITY_SECONDS;
}

/**
 * The client ID PayPay would have issued this merchant: `clientId` when
 * registered, else the API key without its last `_` and four characters (how
 * PayPay's keys read), else the whole key (a key of no PayPay shape).
 */
export function clientIdOf(merchant: Merchant): string {
  return merchant.clientId ?? merchant.apiKey.replace(KEY_SUFFIX, '');
}

/** The responseToken's `aud`: the client ID unless `tokenAudience` says otherwise. */
export function tokenAudienceOf(merchant: Merchant): string | string[] {
  const word = (value: string) =>
    value === 'clientId' ? clientIdOf(merchant) : value === 'apiKey' ? merchant.apiKey : value;
  const audience = merchant.tokenAudience ?? 'clientId';
  return Array.isArray(audience) ? audience.map(word) : word(audience);
}

/** The retry policy of this merchant's webhooks. */
export function retryPolicyOf(merchant: Merchant): RetryPolicy {
  return RETRY_POLICIES[merchant.webhookRetries ?? 'default'];
}

/** The Content-Type header webhooks carry; null for none. */
export function webhookContentTypeOf(merchant: Merchant): string | null {
  const type = merchant.webhookContentType ?? 'application/json';
  return type === '' ? null : type;
}
