import { PAYPAY_CODES, type PayPayCode, type PayPayEnvelope } from '../shared/paypay-codes';
import { randomHex } from './encoding';

/**
 * An expected PayPay API failure: the code picks the HTTP status and codeId from
 * the shared table, so the sandbox can only answer codes PayPay publishes.
 */
export class ApiError extends Error {
  constructor(
    readonly code: PayPayCode,
    message: string,
  ) {
    super(message);
  }
}

/** A fresh X-REQUEST-ID: PayPay's format is alphanumerics and hyphens, at most 64. */
export function newRequestId(): string {
  return 'SBX' + randomHex(16).toUpperCase();
}

/**
 * A PayPay-shaped JSON answer: `{resultInfo, data}`, the status from the code
 * table unless `status` overrides it (createQr answers 201 with SUCCESS), the
 * codeId too unless `codeId` does (PayPay's SDK mock of "Unlink user" answers
 * REQUEST_ACCEPTED with SUCCESS's codeId).
 */
export function envelope(
  code: PayPayCode,
  message: string,
  data: unknown = null,
  status?: number,
  codeId?: string,
): Response {
  const entry: { status: number; codeId?: string } = PAYPAY_CODES[code];
  const id = codeId ?? entry.codeId;
  const body: PayPayEnvelope = {
    resultInfo: { code, message, ...(id ? { codeId: id } : {}) },
    data,
  };
  return new Response(JSON.stringify(body), {
    status: status ?? entry.status,
    headers: {
      'Content-Type': 'application/json',
      'X-REQUEST-ID': newRequestId(),
      // Real time; a merchant's answers replace it with the merchant's clock.
      Date: new Date().toUTCString(),
    },
  });
}

/** The envelope of an ApiError. */
export function errorEnvelope(error: ApiError): Response {
  return envelope(error.code, error.message);
}

/**
 * The one place an unexpected failure becomes an answer: logged with the request
 * id, never a stack in the body. PayPay's INTERNAL_SERVER_ERROR means "outcome
 * unknown", which is what a client should assume here too.
 */
export function internalError(error: unknown): Response {
  const response = envelope('INTERNAL_SERVER_ERROR', 'The sandbox failed unexpectedly.');
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`sandbox ${response.headers.get('X-REQUEST-ID')}: ${reason}`);
  return response;
}

/** 404 for a path the PayPay API does not have. */
export function unknownPath(): Response {
  return envelope('INVALID_REQUEST_PARAMS', 'No such API path.', null, 404);
}

/** 405 for a known PayPay path called with another method. */
export function wrongMethod(allowed: string): Response {
  const response = envelope('INVALID_REQUEST_PARAMS', `Use ${allowed} on this path.`, null, 405);
  response.headers.set('Allow', allowed);
  return response;
}
