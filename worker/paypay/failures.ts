import { FAILURE_REASONS, type FailureReason } from '../../shared/wire';
import type { PayPayFailure } from './call';

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
const PASSED_ON = [
  'UNACCEPTABLE_OP',
  'KYC_UPDATE_REQUIRED',
  'CANCELED_USER',
  'KYC_NOT_COMPLETED',
  'NON_EKYC_USER',
  'USER_STATE_IS_NOT_ACTIVE',
  'INVALID_USER_AUTHORIZATION_ID',
  'EXPIRED_USER_AUTHORIZATION_ID',
  'OP_OUT_OF_SCOPE',
] as const;

/** The code of ours a PayPay failure is answered with (shared/errors.ts). */
export type PayPayCode =
  (typeof PASSED_ON)[number] | 'PAYPAY_OUTCOME_UNKNOWN' | 'PAYPAY_UNAVAILABLE' | 'PAYPAY_REJECTED';

/** A PayPay failure as it is, under the code of ours it is answered with. */
export interface PayPayFailed {
  code: PayPayCode;
  paypay: PayPayFailure;
}

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
 * The code a route answers a PayPay failure with: user-state codes keep
 * PayPay's name, an unknown outcome is said to be unknown, an outage is one
 * the caller may retry, and anything else is PayPay refusing us.
 */
export function paypayFailed(failure: PayPayFailure): PayPayFailed {
  return { code: codeOf(failure), paypay: failure };
}

function codeOf(failure: PayPayFailure): PayPayCode {
  const passedOn = PASSED_ON.find((code) => code === failure.code);
  if (passedOn !== undefined) return passedOn;
  if (failure.outcomeUnknown) return 'PAYPAY_OUTCOME_UNKNOWN';
  return isUnavailable(failure) ? 'PAYPAY_UNAVAILABLE' : 'PAYPAY_REJECTED';
}
