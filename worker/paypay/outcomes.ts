import type { ErrorCode } from '../../shared/errors';
import { FAILURE_REASONS, type FailureReason } from '../../shared/wire';
import { ApiError } from '../http/errors';
import type { PayPayFailure } from './result';

/**
 * PayPay codes about the user that end a verification under PayPay's own name:
 * every failure reason but the token's own results and our two for outages and refusals.
 */
const USER_REASONS = new Set<FailureReason>(
  FAILURE_REASONS.filter(
    (reason) => !['declined', 'bad_request', 'PAYPAY_UNAVAILABLE', 'PAYPAY_ERROR'].includes(reason),
  ),
);

/** PayPay codes the merchant routes pass on under the same name (see shared/errors.ts). */
const PASSED_ON = new Set<string>([
  'UNACCEPTABLE_OP',
  'KYC_UPDATE_REQUIRED',
  'CANCELED_USER',
  'KYC_NOT_COMPLETED',
  'NON_EKYC_USER',
  'USER_STATE_IS_NOT_ACTIVE',
  'INVALID_USER_AUTHORIZATION_ID',
  'EXPIRED_USER_AUTHORIZATION_ID',
  'OP_OUT_OF_SCOPE',
]);

/** Whether PayPay was unreachable or overloaded rather than saying no. */
export function isUnavailable(failure: PayPayFailure): boolean {
  return (
    failure.kind === 'timeout' ||
    failure.kind === 'network' ||
    failure.status === 429 ||
    (failure.status !== null && failure.status >= 500)
  );
}

/** Why a session failed, from PayPay's answer to "fetch KYC info of completed QR". */
export function failureReasonOf(failure: PayPayFailure): FailureReason {
  if (USER_REASONS.has(failure.code as FailureReason)) return failure.code as FailureReason;
  return isUnavailable(failure) ? 'PAYPAY_UNAVAILABLE' : 'PAYPAY_ERROR';
}

/**
 * The API error a route answers when PayPay failed: user-state codes keep
 * PayPay's name, an unknown outcome is said to be unknown, and an outage is a
 * 503 the caller may retry. PayPay's request id travels along for support.
 */
export function apiErrorOf(failure: PayPayFailure): ApiError {
  const requestId = failure.requestId;
  if (PASSED_ON.has(failure.code)) {
    const code = failure.code as ErrorCode;
    return ApiError.of(code, `PayPay answered ${code}`, {}, requestId);
  }
  if (failure.outcomeUnknown) {
    return ApiError.of(
      'PAYPAY_OUTCOME_UNKNOWN',
      `PayPay's outcome is unknown (${failure.code})`,
      {},
      requestId,
    );
  }
  if (isUnavailable(failure)) {
    return ApiError.of(
      'PAYPAY_UNAVAILABLE',
      `PayPay is unavailable (${failure.code})`,
      { 'Retry-After': '5' },
      requestId,
    );
  }
  // An answer we could not read says why (field names only) and which setting fixes it.
  const message =
    failure.kind === 'bad_response'
      ? `PayPay's answer could not be used: ${failure.message}`
      : `PayPay refused the request (${failure.code})`;
  return ApiError.of('PAYPAY_REJECTED', message, {}, requestId);
}
