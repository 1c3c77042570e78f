/** Codes of failures found here, not answered by the Worker: a call that got no usable answer. */
export type ClientErrorCode =
  /** The request did not reach the Worker, or its answer was cut (DNS, refused, reset, TLS). */
  | 'NETWORK_ERROR'
  /** No answer within the client's `timeoutMs`. */
  | 'TIMEOUT'
  /** An answer that is not the Worker's JSON (a proxy's HTML page, a redirect, a cut body). */
  | 'INVALID_RESPONSE'
  /** An id that cannot be put in a path (empty, `.` or `..`): nothing was sent. */
  | 'INVALID_ID';

/** Codes of `verifyEvent`: the forwarded event must not be trusted. */
export type VerifyErrorCode =
  /** The secret is not `whsec_` + base64 (or raw key bytes). */
  | 'INVALID_SECRET'
  /** Not the raw body (a parsed object), or a signed body that is not a forwarded event. */
  | 'INVALID_PAYLOAD'
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` absent, empty or repeated. */
  | 'MISSING_HEADERS'
  /** `webhook-timestamp` is not a whole number of seconds. */
  | 'INVALID_TIMESTAMP'
  /** `webhook-timestamp` is more than the tolerance (5 minutes) in the past. */
  | 'TIMESTAMP_TOO_OLD'
  /** `webhook-timestamp` is more than the tolerance (5 minutes) in the future. */
  | 'TIMESTAMP_TOO_NEW'
  /** No `v1` signature in `webhook-signature` matches the body with this secret. */
  | 'INVALID_SIGNATURE'
  /** This very message (same id, timestamp and valid signature) was verified before. */
  | 'REPLAYED';

/**
 * Codes of `verifyReceipt`: the receipt does not prove these released values.
 * A JWKS that could not be fetched is a `ClientErrorCode` (`NETWORK_ERROR`,
 * `TIMEOUT`, `INVALID_RESPONSE`): it says nothing about the receipt.
 */
export type ReceiptErrorCode =
  /** Not a compact JWS of ours: not 3 base64url parts of JSON, `alg` not `EdDSA` (`none`, `HS256`...), no `kid`, `crit`, or a payload without its fields. */
  | 'RECEIPT_MALFORMED'
  /** No Ed25519 key with the receipt's `kid` in the JWKS (a key retired without RECEIPT_PREVIOUS_KEYS, or another Worker's receipt). */
  | 'RECEIPT_UNKNOWN_KEY'
  /** The signature does not verify with the key of that `kid`: the header or payload was changed, or another key signed it. */
  | 'RECEIPT_BAD_SIGNATURE'
  /** The signed `digest` is not the SHA-256 of these `claims` and `kyc`: a value differs from what was released. */
  | 'RECEIPT_DIGEST_MISMATCH'
  /** The signed `claims` list does not name exactly the claims given (plus `kyc` when given). */
  | 'RECEIPT_CLAIMS_MISMATCH';

/**
 * Every code a `KycPassportError` carries: the Worker's own (`RESULT_EXPIRED`,
 * `USER_NOT_FOUND`, `CONFIG_<SETTING>`, ...: docs/api.md), or one of the above.
 */
export type KycPassportErrorCode =
  ClientErrorCode | VerifyErrorCode | ReceiptErrorCode | (string & {});

/** What a `KycPassportError` is made of, besides its code and message. */
export interface KycPassportErrorDetails {
  status?: number | null;
  requestId?: string | null;
  paypayRequestId?: string | null;
  retryAfterSeconds?: number | null;
  cause?: unknown;
}

/**
 * The one error of this module. From the Worker: its `{error: {code, message,
 * requestId}}` answer, with the HTTP status. Otherwise `status` is null (or the
 * status of an unreadable answer) and `code` one of `ClientErrorCode`,
 * `VerifyErrorCode` or `ReceiptErrorCode`. No message carries a token, a secret or a session id.
 */
export class KycPassportError extends Error {
  override readonly name = 'KycPassportError';
  /** Stable: switch on it. */
  readonly code: KycPassportErrorCode;
  /** The Worker's HTTP status; null when there was no answer (or for `verifyEvent`, `verifyReceipt`). */
  readonly status: number | null;
  /** Our request id (`req_...`): quote it to support. Null when the Worker did not give one. */
  readonly requestId: string | null;
  /** PayPay's X-REQUEST-ID, when PayPay was involved. */
  readonly paypayRequestId: string | null;
  /** The answer's `Retry-After` in seconds (429, 503), or null. */
  readonly retryAfterSeconds: number | null;

  constructor(code: KycPassportErrorCode, message: string, details: KycPassportErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status ?? null;
    this.requestId = details.requestId ?? null;
    this.paypayRequestId = details.paypayRequestId ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}
