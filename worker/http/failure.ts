import type { PayPayFailed } from '../paypay/failures';
import { ApiError } from './errors';

/**
 * Why something the Worker was asked did not happen: the error side of every
 * `Result` a Durable Object, a rate limit or a PayPay call hands a route. Plain
 * data (it crosses RPC), tagged by a code of the shared table
 * (shared/errors.ts), with what that code's answer needs. `apiErrorOf` is the
 * one place it becomes an answer.
 */
export type Failure =
  | { code: 'SESSION_EXISTS' }
  | { code: 'SESSION_NOT_FOUND' }
  | { code: 'RESULT_NOT_FOUND' }
  | { code: 'RESULT_ALREADY_EXCHANGED' }
  | { code: 'RESULT_EXPIRED' }
  | { code: 'RECEIPT_UNAVAILABLE' }
  | RateLimited
  | PayPayFailed;

/**
 * A limit was reached: the limiter says when to try again (null: no time to
 * give), the stage that asked says which limit, in words for the message.
 */
export interface RateLimited {
  code: 'RATE_LIMITED';
  retryAfterSeconds: number | null;
  message: string;
}

/**
 * The answer of a failure: its status from the shared table, a message safe
 * to show, `Retry-After` where waiting helps, and PayPay's request id where
 * PayPay was asked (support asks for it). Every code has its case: a new one
 * does not compile until it is answered here.
 */
export function apiErrorOf(failure: Failure): ApiError {
  switch (failure.code) {
    case 'SESSION_EXISTS':
      return ApiError.of(failure.code, 'Session already exists');
    case 'SESSION_NOT_FOUND':
      return ApiError.of(failure.code, 'No such session');
    case 'RESULT_NOT_FOUND':
      return ApiError.of(failure.code, 'No such result');
    case 'RESULT_ALREADY_EXCHANGED':
      return ApiError.of(failure.code, 'This result was already exchanged');
    case 'RESULT_EXPIRED':
      return ApiError.of(failure.code, 'This result has expired');
    case 'RECEIPT_UNAVAILABLE':
      return ApiError.of(
        failure.code,
        'The receipt log could not record this exchange; nothing was released, try again',
        { 'Retry-After': '1' },
      );
    case 'RATE_LIMITED': {
      const wait = failure.retryAfterSeconds;
      return ApiError.of(
        failure.code,
        failure.message,
        wait === null ? {} : { 'Retry-After': String(wait) },
      );
    }
    case 'UNACCEPTABLE_OP':
    case 'KYC_UPDATE_REQUIRED':
    case 'CANCELED_USER':
    case 'KYC_NOT_COMPLETED':
    case 'NON_EKYC_USER':
    case 'USER_STATE_IS_NOT_ACTIVE':
    case 'INVALID_USER_AUTHORIZATION_ID':
    case 'EXPIRED_USER_AUTHORIZATION_ID':
    case 'OP_OUT_OF_SCOPE':
      return ApiError.of(
        failure.code,
        `PayPay answered ${failure.code}`,
        {},
        failure.paypay.requestId,
      );
    case 'PAYPAY_OUTCOME_UNKNOWN':
      return ApiError.of(
        failure.code,
        `PayPay's outcome is unknown (${failure.paypay.code})`,
        {},
        failure.paypay.requestId,
      );
    case 'PAYPAY_UNAVAILABLE':
      return ApiError.of(
        failure.code,
        `PayPay is unavailable (${failure.paypay.code})`,
        { 'Retry-After': '5' },
        failure.paypay.requestId,
      );
    case 'PAYPAY_REJECTED': {
      // An answer we could not read says why (field names only) and which setting fixes it.
      const { paypay } = failure;
      const message =
        paypay.kind === 'bad_response'
          ? `PayPay's answer could not be used: ${paypay.message}`
          : `PayPay refused the request (${paypay.code})`;
      return ApiError.of(failure.code, message, {}, paypay.requestId);
    }
  }
}
