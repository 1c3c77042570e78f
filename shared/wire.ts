import { parseClaims, type ClaimName } from './claims';
import { err, ok, type Result } from './result';

/**
 * Wire types of the widget-facing API, shared by the Worker (which answers) and
 * the element (which asks). Only what the browser may see is here: no secret,
 * no userAuthorizationId, no personal data.
 */

/** Where a verification session is. */
export const SESSION_STATUSES = [
  'pending',
  'authorized',
  'completed',
  'failed',
  'expired',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses a session never leaves. */
export const TERMINAL_STATUSES: readonly SessionStatus[] = ['completed', 'failed', 'expired'];

/**
 * Why a session failed. PayPay's codes keep PayPay's names; `declined` and
 * `bad_request` are the responseToken's `result`.
 */
export const FAILURE_REASONS = [
  'declined',
  'bad_request',
  'KYC_PASSPORT_NOT_COMPLETED',
  'UNACCEPTABLE_OP',
  'KYC_UPDATE_REQUIRED',
  'CANCELED_USER',
  'USER_STATE_IS_NOT_ACTIVE',
  'SESSION_NOT_FOUND',
  'KYC_DATA_MISMATCH',
  'PAYPAY_UNAVAILABLE',
  'PAYPAY_ERROR',
  // PayPay verified the user by a method ACCEPTED_KYC_METHODS does not list: nothing was kept.
  'KYC_METHOD_NOT_ACCEPTED',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const REDIRECT_TYPES = ['WEB_LINK', 'APP_DEEP_LINK'] as const;
export type RedirectType = (typeof REDIRECT_TYPES)[number];

export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Body of `POST /v1/sessions` from a browser. */
export interface CreateSessionRequest {
  referenceId?: string;
  redirectType?: RedirectType;
  lang?: Lang;
  /** The claims the merchant receives (shared/claims.ts); default `["kyc"]`. */
  claims?: ClaimName[];
}

/**
 * Body of `POST /v1/sessions` from the merchant's server (bearer): it may also
 * pass what it knows of the signed-in customer, which PayPay checks.
 */
export interface MerchantSessionRequest extends CreateSessionRequest {
  phoneNumber?: string;
  userAgent?: string;
  /** Passed to PayPay as is; PayPay does not publish its fields. */
  kycData?: Record<string, string>;
  /** Where the hosted page (`/verify/:id`) sends the customer back; its origin must be allowed. */
  returnUrl?: string;
}

/** Fields only a merchant server may set: a browser could put anything in them. */
export const MERCHANT_ONLY_FIELDS = ['phoneNumber', 'kycData', 'userAgent', 'returnUrl'] as const;

/** Answer of `POST /v1/sessions` (201). */
export interface CreatedSession {
  sessionId: string;
  qrUrl: string;
  /** ISO 8601 time at which the QR stops working. */
  expiresAt: string;
  status: SessionStatus;
  /** The hosted page to send the customer to: only for a session created with a `returnUrl`. */
  url?: string;
}

/** Answer of `GET /v1/sessions/:id` and payload of each live status event. */
export interface SessionView {
  sessionId: string;
  status: SessionStatus;
  expiresAt: string;
  /** Present once `completed`: the opaque token the merchant's server exchanges. */
  resultToken?: string;
  /** Present when `failed`. */
  error?: { reason: FailureReason };
}

/**
 * Session ids: `<object id, 64 hex>.<secret, 144 random bits as 24 base64url>`.
 * The object id only locates the session; the secret is what lets one read it.
 */
export const SESSION_ID_PATTERN = /^[0-9a-f]{64}\.[A-Za-z0-9_-]{24}$/;

/** referenceId: PayPay allows 255 characters; we also keep it to a safe charset. */
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,255}$/;

/** What is wrong with a request body: the field, by name, and why. */
export interface FieldError {
  code: 'INVALID_FIELD' | 'UNKNOWN_FIELD' | 'MERCHANT_ONLY_FIELD';
  field: string;
  message: string;
}

/** A validation's Result: a value, or the field and what is wrong with it. */
export type Validated<T> = Result<T, FieldError>;

// Marked pure so that the element's bundle, which never validates, drops them.
const PUBLIC_FIELDS = /* @__PURE__ */ new Set(['referenceId', 'redirectType', 'lang', 'claims']);
const MERCHANT_FIELDS = /* @__PURE__ */ (() =>
  new Set([...PUBLIC_FIELDS, ...MERCHANT_ONLY_FIELDS]))();
const PHONE_PATTERN = /^\+?[0-9]{10,15}$/;
const KYC_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Printable text: no control characters, which have no place in a header or a name. */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
const MAX_KYC_FIELDS = 16;

/** Checks a browser's session request; unknown fields are refused by name. */
export function validateCreateSession(body: unknown): Validated<CreateSessionRequest> {
  return validate(body, false);
}

/** Checks a merchant server's session request, with the merchant-only fields. */
export function validateMerchantSession(body: unknown): Validated<MerchantSessionRequest> {
  return validate(body, true);
}

function validate(body: unknown, merchant: boolean): Validated<MerchantSessionRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return err({
      code: 'INVALID_FIELD',
      field: '(body)',
      message: 'The body must be a JSON object',
    });
  }
  for (const key of Object.keys(body)) {
    if ((merchant ? MERCHANT_FIELDS : PUBLIC_FIELDS).has(key)) continue;
    if ((MERCHANT_ONLY_FIELDS as readonly string[]).includes(key)) {
      return err({
        code: 'MERCHANT_ONLY_FIELD',
        field: key,
        message: `"${key}" may only be set by the merchant server`,
      });
    }
    return err({ code: 'UNKNOWN_FIELD', field: key, message: `Unknown field "${key}"` });
  }
  const { referenceId, redirectType, lang, phoneNumber, userAgent, kycData, claims, returnUrl } =
    body as Record<string, unknown>;
  const value: MerchantSessionRequest = {};
  if (referenceId !== undefined) {
    if (typeof referenceId !== 'string' || !REFERENCE_ID_PATTERN.test(referenceId)) {
      return invalid(
        'referenceId',
        'referenceId must be 1-255 characters of A-Z a-z 0-9 . _ : @ -',
      );
    }
    value.referenceId = referenceId;
  }
  if (redirectType !== undefined) {
    if (!(REDIRECT_TYPES as readonly unknown[]).includes(redirectType)) {
      return invalid('redirectType', 'redirectType must be WEB_LINK or APP_DEEP_LINK');
    }
    value.redirectType = redirectType as RedirectType;
  }
  if (lang !== undefined) {
    if (!(LANGS as readonly unknown[]).includes(lang))
      return invalid('lang', 'lang must be ja or en');
    value.lang = lang as Lang;
  }
  if (claims !== undefined) {
    // A list, as JSON has them: the element's text form is the element's to split.
    const checked = Array.isArray(claims) ? parseClaims(claims) : null;
    if (checked === null) return invalid('claims', 'claims must be a list of claim names');
    if (!checked.ok) return invalid('claims', checked.error);
    value.claims = checked.value;
  }
  if (phoneNumber !== undefined) {
    if (typeof phoneNumber !== 'string' || !PHONE_PATTERN.test(phoneNumber)) {
      return invalid('phoneNumber', 'phoneNumber must be 10-15 digits, optionally after +');
    }
    value.phoneNumber = phoneNumber;
  }
  if (userAgent !== undefined) {
    if (
      typeof userAgent !== 'string' ||
      userAgent.length === 0 ||
      userAgent.length > 255 ||
      !isPrintable(userAgent)
    ) {
      return invalid('userAgent', 'userAgent must be 1-255 printable characters');
    }
    value.userAgent = userAgent;
  }
  if (kycData !== undefined) {
    const checked = checkKycData(kycData);
    if (typeof checked === 'string') return invalid('kycData', checked);
    value.kycData = checked;
  }
  if (returnUrl !== undefined) {
    if (!isWebUrl(returnUrl))
      return invalid(
        'returnUrl',
        'returnUrl must be an absolute http(s) URL of at most 2048 characters',
      );
    value.returnUrl = returnUrl;
  }
  return ok(value);
}

/**
 * The shape of a URL a browser may be sent to: http(s), absolute, printable, at most
 * 2048 characters. Parsing it, and whose origin it may be, is the Worker's.
 */
function isWebUrl(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 2048 &&
    /^https?:\/\/[^\s/?#]/i.test(value) &&
    !/\s/.test(value) &&
    isPrintable(value)
  );
}

/** kycData: a flat object of short texts (PayPay does not publish its fields, so none are required). */
function checkKycData(kycData: unknown): Record<string, string> | string {
  if (typeof kycData !== 'object' || kycData === null || Array.isArray(kycData))
    return 'kycData must be an object';
  const entries = Object.entries(kycData);
  if (entries.length === 0 || entries.length > MAX_KYC_FIELDS)
    return `kycData must have 1-${MAX_KYC_FIELDS} fields`;
  const out: Record<string, string> = {};
  for (const [key, field] of entries) {
    if (!KYC_KEY_PATTERN.test(key))
      return `kycData field names must be letters and digits (${key.slice(0, 20)})`;
    if (
      typeof field !== 'string' ||
      field.length === 0 ||
      field.length > 255 ||
      !isPrintable(field)
    ) {
      return `kycData.${key} must be 1-255 printable characters`;
    }
    out[key] = field;
  }
  return out;
}

function invalid(field: string, message: string): Validated<never> {
  return err({ code: 'INVALID_FIELD', field, message });
}
