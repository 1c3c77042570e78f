import { describe, expect, it } from 'vitest';
import { apiErrorOf as answerOf } from '../../../worker/http/failure';
import { failureReasonOf, paypayFailed } from '../../../worker/paypay/failures';
import type { PayPayFailure } from '../../../worker/paypay/call';

/** The answer a route gives a PayPay failure: classified, then the one switch. */
const apiErrorOf = (failure: PayPayFailure) => answerOf(paypayFailed(failure));

function failure(
  code: string,
  status: number | null,
  extra: Partial<PayPayFailure> = {},
): PayPayFailure {
  return {
    ok: false,
    operation: 'fetchCompletedKyc',
    kind: status === null ? 'timeout' : 'api',
    status,
    code,
    known: true,
    codeId: null,
    message: code,
    requestId: 'REQ-1',
    outcomeUnknown: false,
    attempts: 3,
    ...extra,
  };
}

describe('failureReasonOf', () => {
  it.each([
    ['KYC_PASSPORT_NOT_COMPLETED', 400, 'KYC_PASSPORT_NOT_COMPLETED'],
    ['SESSION_NOT_FOUND', 404, 'SESSION_NOT_FOUND'],
    ['UNACCEPTABLE_OP', 400, 'UNACCEPTABLE_OP'],
    ['KYC_UPDATE_REQUIRED', 400, 'KYC_UPDATE_REQUIRED'],
    ['CANCELED_USER', 400, 'CANCELED_USER'],
    ['USER_STATE_IS_NOT_ACTIVE', 401, 'USER_STATE_IS_NOT_ACTIVE'],
    ['RATE_LIMIT', 429, 'PAYPAY_UNAVAILABLE'],
    ['INTERNAL_SERVER_ERROR', 500, 'PAYPAY_UNAVAILABLE'],
    ['MAINTENANCE_MODE', 503, 'PAYPAY_UNAVAILABLE'],
    ['TIMEOUT', null, 'PAYPAY_UNAVAILABLE'],
    ['INVALID_PARAMS', 400, 'PAYPAY_ERROR'],
    ['UNAUTHORIZED', 401, 'PAYPAY_ERROR'],
    ['SOMETHING_NEW', 400, 'PAYPAY_ERROR'],
  ])('maps %s (%s) to %s', (code, status, reason) => {
    expect(failureReasonOf(failure(code, status))).toBe(reason);
  });
});

describe('apiErrorOf', () => {
  it('keeps PayPay user-state codes and the PayPay request id', () => {
    const error = apiErrorOf(failure('UNACCEPTABLE_OP', 400));
    expect([error.status, error.code, error.paypayRequestId]).toEqual([
      409,
      'UNACCEPTABLE_OP',
      'REQ-1',
    ]);
  });

  it('says an unknown outcome is unknown', () => {
    const error = apiErrorOf(failure('INTERNAL_SERVER_ERROR', 500, { outcomeUnknown: true }));
    expect([error.status, error.code]).toEqual([502, 'PAYPAY_OUTCOME_UNKNOWN']);
  });

  it('answers an outage with 503 and Retry-After', () => {
    const error = apiErrorOf(failure('RATE_LIMIT', 429));
    expect([error.status, error.code, error.headers['Retry-After']]).toEqual([
      503,
      'PAYPAY_UNAVAILABLE',
      '5',
    ]);
  });

  it('answers a refusal (our misconfiguration, PayPay changes) with 502 PAYPAY_REJECTED', () => {
    for (const code of ['UNAUTHORIZED', 'INVALID_PARAMS', 'BAD_RESPONSE']) {
      expect(apiErrorOf(failure(code, 401)).code).toBe('PAYPAY_REJECTED');
    }
  });
});
