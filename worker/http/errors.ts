import { configErrorCode, ERROR_CODES, type ErrorBody, type ErrorCode } from '../../shared/errors';
import type { SettingProblem } from '../config';

/**
 * An expected failure: a status, a shared error code and a message safe to show.
 * Thrown by handlers and validators; the router turns it into the JSON error body.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly paypayRequestId: string | null = null,
  ) {
    super(message);
  }

  /** An error whose status comes from the shared table. */
  static of(code: ErrorCode, message: string, headers: Record<string, string> = {}): ApiError {
    return new ApiError(ERROR_CODES[code], code, message, headers);
  }

  /** 503 for the first unusable setting a route needs: the name, never the value. */
  static config(problem: SettingProblem): ApiError {
    return new ApiError(
      503,
      configErrorCode(problem.setting),
      `The Worker is not configured: ${problem.reason}`,
    );
  }
}

/** The `{error:{code,message,requestId}}` answer. */
export function errorResponse(
  error: ApiError,
  requestId: string,
  extraHeaders: HeadersInit = {},
): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.paypayRequestId) body.error.paypayRequestId = error.paypayRequestId;
  const headers = new Headers(extraHeaders);
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  headers.set('Cache-Control', 'no-store');
  return Response.json(body, { status: error.status, headers });
}
