import { isPayPayCode, type PayPayOperation } from '../../shared/paypay-codes';
import type { EndpointKind } from './endpoints';
import type { PayPayCall } from './call';

/** What one try produced before interpretation. */
export type Attempt =
  | {
      kind: 'answer';
      status: number;
      text: string;
      requestId: string | null;
      retryAfter: string | null;
    }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; detail: string };

/** A sane upper bound for an OPA answer; more is not PayPay talking. */
const MAX_ANSWER_CHARS = 1_000_000;
const SUCCESS_CODES = new Set(['SUCCESS', 'REQUEST_ACCEPTED']);

/**
 * Turns one try into a typed PayPayCall. Pure: it is where every PayPay answer,
 * hostile or broken ones included, gets its name.
 */
export function parseAnswer(
  operation: PayPayOperation,
  kind: EndpointKind,
  attempt: Attempt,
  attempts: number,
): PayPayCall<unknown> {
  const base = { ok: false as const, operation, attempts, codeId: null, known: false };
  if (attempt.kind === 'timeout') {
    return {
      ...base,
      kind: 'timeout',
      status: null,
      code: 'TIMEOUT',
      message: `PayPay did not answer ${operation} within ${attempt.timeoutMs} ms`,
      requestId: null,
      // A create that timed out may still have created the QR at PayPay.
      outcomeUnknown: kind === 'create',
    };
  }
  if (attempt.kind === 'network') {
    return {
      ...base,
      kind: 'network',
      status: null,
      code: 'NETWORK_ERROR',
      message: attempt.detail,
      requestId: null,
      outcomeUnknown: kind === 'create',
    };
  }
  const { status, requestId } = attempt;
  const envelope = readEnvelope(attempt.text);
  if (envelope === null) {
    return {
      ...base,
      kind: 'bad_response',
      status,
      code: 'BAD_RESPONSE',
      message: `PayPay answered ${operation} with HTTP ${status} and no OPA envelope`,
      requestId,
      outcomeUnknown: kind === 'create' && status >= 500,
    };
  }
  const { code, message, codeId, data } = envelope;
  if (status >= 200 && status < 300 && SUCCESS_CODES.has(code)) {
    return { ok: true, operation, status, data, requestId, attempts };
  }
  return {
    ...base,
    kind: 'api',
    status,
    code,
    known: isPayPayCode(code),
    codeId,
    message: isPayPayCode(code) ? message : `Unknown PayPay code ${code}: ${message}`,
    requestId,
    // Only a create can have an unknown outcome: a read changed nothing either way.
    // MAINTENANCE_MODE is PayPay saying it did nothing; other gateway errors are not.
    outcomeUnknown:
      kind === 'create' &&
      (code === 'INTERNAL_SERVER_ERROR' ||
        (status >= 502 && status <= 504 && code !== 'MAINTENANCE_MODE')),
  };
}

interface Envelope {
  code: string;
  message: string;
  codeId: string | null;
  data: unknown;
}

function readEnvelope(text: string): Envelope | null {
  if (text.length > MAX_ANSWER_CHARS) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const info = (parsed as { resultInfo?: unknown }).resultInfo;
  if (typeof info !== 'object' || info === null) return null;
  const { code, message, codeId } = info as Record<string, unknown>;
  if (typeof code !== 'string' || code === '' || code.length > 100) return null;
  return {
    code,
    message: typeof message === 'string' ? message.slice(0, 500) : '',
    codeId: typeof codeId === 'string' ? codeId.slice(0, 32) : null,
    data: (parsed as { data?: unknown }).data ?? null,
  };
}
