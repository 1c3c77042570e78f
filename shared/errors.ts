/**
 * Every error code the Worker answers with, and its HTTP status. The element
 * turns these into ja/en text; merchants switch on them. Settings problems use
 * `CONFIG_<SETTING>` (503), built by `configErrorCode`.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  INVALID_FIELD: 400,
  UNKNOWN_FIELD: 400,
  MERCHANT_ONLY_FIELD: 400,
  // A session's returnUrl whose origin is not in ALLOWED_ORIGINS, or plain http outside loopback development.
  RETURN_URL_NOT_ALLOWED: 400,
  INVALID_ID: 404,
  INVALID_CURSOR: 400,
  WRONG_NOTIFICATION_TYPE: 400,
  UNAUTHORIZED: 401,
  ORIGIN_NOT_ALLOWED: 403,
  PUBLIC_SESSIONS_DISABLED: 403,
  // A public session asked for a claim ALLOWED_CLAIMS does not list.
  CLAIM_NOT_ALLOWED: 403,
  // A call the merchant has not turned on (USER_KYC_INFO): its scope is not asked of users.
  FEATURE_DISABLED: 403,
  FORBIDDEN_SOURCE: 403,
  // The console without a valid Cloudflare Access JWT (missing, expired, another audience, bad signature).
  ACCESS_DENIED: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  RESULT_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  RECEIPT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  RESULT_ALREADY_EXCHANGED: 410,
  RESULT_EXPIRED: 410,
  SESSION_NOT_COMPLETED: 409,
  // A session id drawn twice (128 random bits): never expected, never silently reused.
  SESSION_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  // PayPay's own answers on merchant routes, under PayPay's names.
  UNACCEPTABLE_OP: 409,
  KYC_UPDATE_REQUIRED: 409,
  CANCELED_USER: 409,
  KYC_NOT_COMPLETED: 409,
  NON_EKYC_USER: 409,
  USER_STATE_IS_NOT_ACTIVE: 409,
  INVALID_USER_AUTHORIZATION_ID: 404,
  EXPIRED_USER_AUTHORIZATION_ID: 404,
  OP_OUT_OF_SCOPE: 403,
  PAYPAY_REJECTED: 502,
  PAYPAY_UNAVAILABLE: 503,
  PAYPAY_OUTCOME_UNKNOWN: 502,
  INTERNAL_ERROR: 500,
  // A notification we could not record: PayPay must retry it.
  NOT_RECORDED: 503,
  // FEED_SHARDS differs from what the feed was set up with: `paypay-kyc feed reshard` first.
  FEED_SHARDS_CHANGED: 503,
  // The queue refused a send (a dead-letter replay): nothing was lost, try again.
  QUEUE_UNAVAILABLE: 503,
  // The receipt log did not take the exchange's receipt: nothing was released, try again.
  RECEIPT_UNAVAILABLE: 503,
} as const;

/** A fixed error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The error body of every failed request. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    /** PayPay's X-REQUEST-ID, when PayPay was involved: support asks for it. */
    paypayRequestId?: string;
  };
}

/** The code of a missing or malformed setting, e.g. CONFIG_PAYPAY_API_KEY. */
export function configErrorCode(setting: string): string {
  return `CONFIG_${setting}`;
}
