import { configErrorCode, ERROR_CODES, type ErrorBody, type ErrorCode } from '../../shared/errors';
import type { SettingName, SettingProblem } from '../settings/config';

/** A code the Worker answers with: one of the shared table, or a setting's refusal. */
export type ApiErrorCode = ErrorCode | `CONFIG_${SettingName}`;

/**
 * An expected failure: a known code, its status from the shared table (503 for
 * a setting's refusal), and a message safe to show. Thrown by handlers and
 * validators, and by `apiErrorOf` (failure.ts) from a Result's failure; the
 * pipeline turns it into the JSON error body.
 */
export class ApiError extends Error {
  private constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string>,
    readonly paypayRequestId: string | null,
  ) {
    super(message);
  }

  /** An error whose status comes from the shared table; PayPay's request id where PayPay was asked. */
  static of(
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
    paypayRequestId: string | null = null,
  ): ApiError {
    return new ApiError(ERROR_CODES[code], code, message, headers, paypayRequestId);
  }

  /** 503 for the first unusable setting a route needs: the name, never the value. */
  static config(problem: SettingProblem): ApiError {
    return new ApiError(
      503,
      configErrorCode(problem.setting) as ApiErrorCode,
      `The Worker is not configured: ${problem.reason}`,
      {},
      null,
    );
  }
}

/**
 * What the feed object throws when FEED_SHARDS differs from the count it was
 * set up with (its shard guard): every user would be looked up in the wrong
 * shard, so it refuses until the users are moved. The message crosses RPC as it is.
 */
export const FEED_SHARDS_CHANGED = 'FEED_SHARDS_CHANGED';

/**
 * The answer of an error a Durable Object threw on purpose (so far only the
 * feed's shard guard), or null for any other error: that one stays a 500.
 */
export function refusalOf(error: unknown): ApiError | null {
  if (!(error instanceof Error) || error.message !== FEED_SHARDS_CHANGED) return null;
  return ApiError.of(
    'FEED_SHARDS_CHANGED',
    'FEED_SHARDS differs from the number of shards the event feed holds data for: run `paypay-kyc feed reshard --from <old> --to <new>` to move its users (docs/deploy.md), or set FEED_SHARDS back',
  );
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
