/**
 * Time as the element's controllers see it. Injected so that unit tests move a
 * fake clock forward instead of sleeping; the element uses {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Runs `callback` once after `ms`; the handle is only ever given back to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer that has not run yet. */
  clearTimeout(handle: unknown): void;
}

/** The browser's own clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
