import type { EndpointKind } from './endpoints';

/** Bounds of the retry loop. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Three tries, 200 ms then up to 2 s apart: bounded well inside a request's life. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/** What one attempt ended with, as far as retrying is concerned. */
export interface AttemptEnd {
  status: number | null;
  code: string;
  kind: 'api' | 'timeout' | 'network' | 'bad_response';
}

/**
 * Whether an attempt may be repeated. Reads: on 429, 5xx, timeouts and broken
 * connections. Creates: only where PayPay cannot have acted (429 RATE_LIMIT, 503
 * MAINTENANCE_MODE); never after INTERNAL_SERVER_ERROR or a timeout, where a
 * second QR might be created for one session.
 */
export function isRetryable(kind: EndpointKind, end: AttemptEnd): boolean {
  if (kind === 'create') {
    return end.status === 429 || (end.status === 503 && end.code === 'MAINTENANCE_MODE');
  }
  if (end.kind === 'timeout' || end.kind === 'network') return true;
  return end.status !== null && (end.status === 429 || end.status >= 500);
}

/**
 * Capped exponential backoff with full jitter, so many Workers retrying at once
 * do not return together. A Retry-After from PayPay raises the floor, within the cap.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterSeconds: number | null,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterSeconds === null) return jittered;
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterSeconds * 1000));
}

/** Retry-After in seconds when it is a small integer; dates and junk are ignored. */
export function parseRetryAfter(header: string | null): number | null {
  if (header === null || !/^\d{1,4}$/.test(header.trim())) return null;
  return Number(header.trim());
}
