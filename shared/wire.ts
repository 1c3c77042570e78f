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
}

/** Answer of `POST /v1/sessions` (201). */
export interface CreatedSession {
  sessionId: string;
  qrUrl: string;
  /** ISO 8601 time at which the QR stops working. */
  expiresAt: string;
  status: SessionStatus;
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

/** Session ids: 144 random bits as 24 base64url characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** referenceId: PayPay allows 255 characters; we also keep it to a safe charset. */
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,255}$/;

/** A validation outcome: a value, or the field and what is wrong with it. */
export type Validated<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'INVALID_FIELD' | 'UNKNOWN_FIELD'; field: string; message: string };

/** Checks a browser's session request; unknown fields are refused by name. */
export function validateCreateSession(body: unknown): Validated<CreateSessionRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      code: 'INVALID_FIELD',
      field: '(body)',
      message: 'The body must be a JSON object',
    };
  }
  const allowed = new Set(['referenceId', 'redirectType', 'lang']);
  for (const key of Object.keys(body)) {
    if (!allowed.has(key))
      return { ok: false, code: 'UNKNOWN_FIELD', field: key, message: `Unknown field "${key}"` };
  }
  const { referenceId, redirectType, lang } = body as Record<string, unknown>;
  const value: CreateSessionRequest = {};
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
  return { ok: true, value };
}

function invalid(field: string, message: string): Validated<never> {
  return { ok: false, code: 'INVALID_FIELD', field, message };
}
