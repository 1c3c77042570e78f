import { FEED_TIMING as T } from '../feed/timing';

/**
 * A refusal of the file host about the path itself (4xx, but not 408 timeout
 * or 429 slow down): a forged path on PayPay's host earns one, and it will not
 * heal. Such files are tried once more, in case PayPay announced the file a
 * moment before it was in place, then reported lost; and they go after every
 * other due file, so a flood of them cannot push a genuine file past its window.
 */
export const UNHEALING_ERROR = /^HTTP_4(?!08|29)\d\d$/;
/** The same test in SQL, on `recon_files.last_error`: true orders last. */
export const UNHEALING_SQL =
  "(last_error GLOB 'HTTP_4[0-9][0-9]' AND last_error NOT IN ('HTTP_408', 'HTTP_429'))";
/** Attempts a file whose host refused its path gets before it is reported lost. */
export const UNHEALING_ATTEMPTS = 2;

/**
 * Whether a failed attempt is the last: PayPay's window has closed, or the
 * host refused the path on every attempt a file gets for that.
 */
export function reconGivesUp(
  reason: string,
  attempts: number,
  requestedAt: number,
  now: number,
): boolean {
  const unhealing = UNHEALING_ERROR.test(reason) && attempts >= UNHEALING_ATTEMPTS;
  return unhealing || now >= requestedAt + T.reconWindowMs;
}

/** The pause before the next attempt after `attempts` tries: doubling, capped. */
export function reconBackoff(attempts: number): number {
  return Math.min(T.reconRetryBaseMs * 2 ** Math.max(0, attempts - 1), T.reconRetryMaxMs);
}
