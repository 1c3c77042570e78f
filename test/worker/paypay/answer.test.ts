import { describe, expect, it } from 'vitest';
import { PAYPAY_CODES, type PayPayCode } from '../../../shared/paypay-codes';
import { parseAnswer } from '../../../worker/paypay/answer';

function answer(status: number, body: unknown, requestId: string | null = 'OPA-REQ-1') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { kind: 'answer' as const, status, text, requestId, retryAfter: null };
}

const errorCodes = (Object.keys(PAYPAY_CODES) as PayPayCode[]).filter(
  (code) => code !== 'SUCCESS' && code !== 'REQUEST_ACCEPTED',
);

describe('parseAnswer', () => {
  it('reads a success envelope with its data and request id', () => {
    const result = parseAnswer(
      'createQr',
      'create',
      answer(201, {
        resultInfo: { code: 'SUCCESS', message: 'Success', codeId: '08100001' },
        data: { x: 1 },
      }),
      1,
    );
    expect(result).toEqual({
      ok: true,
      operation: 'createQr',
      status: 201,
      data: { x: 1 },
      requestId: 'OPA-REQ-1',
      attempts: 1,
    });
  });

  it.each(errorCodes)(
    'names PayPay code %s with status, codeId, message and request id',
    (code) => {
      const { status } = PAYPAY_CODES[code];
      const codeId =
        'codeId' in PAYPAY_CODES[code]
          ? (PAYPAY_CODES[code] as { codeId: string }).codeId
          : '08109999';
      const result = parseAnswer(
        'createQr',
        'create',
        answer(status, { resultInfo: { code, message: `message of ${code}`, codeId }, data: null }),
        2,
      );
      expect(result).toEqual({
        ok: false,
        operation: 'createQr',
        kind: 'api',
        status,
        code,
        known: true,
        codeId,
        message: `message of ${code}`,
        requestId: 'OPA-REQ-1',
        outcomeUnknown: code === 'INTERNAL_SERVER_ERROR',
        attempts: 2,
      });
    },
  );

  it('reports an unknown code clearly, as unknown', () => {
    const result = parseAnswer(
      'userKycInfo',
      'read',
      answer(400, {
        resultInfo: { code: 'NEW_CODE_2027', message: 'Something new', codeId: '08199999' },
      }),
      1,
    );
    expect(result).toMatchObject({ ok: false, kind: 'api', code: 'NEW_CODE_2027', known: false });
    expect(!result.ok && result.message).toContain('Unknown PayPay code NEW_CODE_2027');
  });

  it.each([
    ['an HTML error page', 502, '<html>Bad gateway</html>', true],
    ['an empty body', 200, '', false],
    ['JSON without resultInfo', 200, '{"data":{}}', false],
    ['a JSON string', 500, '"oops"', true],
    ['resultInfo without code', 400, '{"resultInfo":{"message":"x"}}', false],
  ])('reports %s as BAD_RESPONSE, never throwing', (_, status, body, unknown) => {
    const result = parseAnswer('createQr', 'create', answer(status, body), 1);
    expect(result).toMatchObject({
      ok: false,
      kind: 'bad_response',
      code: 'BAD_RESPONSE',
      status,
      outcomeUnknown: unknown,
    });
  });

  it('never calls the outcome of a read unknown', () => {
    const failure = { resultInfo: { code: 'INTERNAL_SERVER_ERROR', message: 'm' } };
    expect(parseAnswer('kycPassportInfo', 'read', answer(500, failure), 1)).toMatchObject({
      outcomeUnknown: false,
    });
    expect(parseAnswer('kycPassportInfo', 'read', answer(502, '<html>'), 1)).toMatchObject({
      outcomeUnknown: false,
    });
  });

  it('treats a non-SUCCESS code on a 200 as a failure', () => {
    const result = parseAnswer(
      'userKycInfo',
      'read',
      answer(200, { resultInfo: { code: 'INVALID_PARAMS', message: 'm' } }),
      1,
    );
    expect(result).toMatchObject({ ok: false, code: 'INVALID_PARAMS' });
  });

  it('marks a timed-out create as outcome unknown, a timed-out read not', () => {
    expect(parseAnswer('createQr', 'create', { kind: 'timeout', timeoutMs: 10 }, 1)).toMatchObject({
      kind: 'timeout',
      code: 'TIMEOUT',
      status: null,
      outcomeUnknown: true,
    });
    expect(parseAnswer('userKycInfo', 'read', { kind: 'timeout', timeoutMs: 10 }, 1)).toMatchObject(
      { outcomeUnknown: false },
    );
  });

  it('reports a broken connection as NETWORK_ERROR', () => {
    expect(
      parseAnswer(
        'userKycInfo',
        'read',
        { kind: 'network', detail: 'userKycInfo: connection to PayPay failed (TypeError)' },
        3,
      ),
    ).toMatchObject({
      kind: 'network',
      code: 'NETWORK_ERROR',
      attempts: 3,
    });
  });
});
