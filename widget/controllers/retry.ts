import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { systemClock, type Clock } from './clock';

/** Retries back off from 2 s, doubling, to 30 s; a created session resets them. */
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 30_000;
/** How often the "retrying in n s" line is brought up to date. */
const RETRY_TICK_MS = 250;
/**
 * With auto-refresh, a new QR is fetched this long before the old one expires:
 * 15 s, or a quarter of a short-lived QR's life, so a refresh never loops.
 */
const REFRESH_AHEAD_MS = 15_000;

/** What the retry controller needs from its host. */
export interface RetryOptions {
  /** Asks for a new session after an error (the element's `start()`). */
  retry: () => void;
  /** Asks for a fresh QR before the current one expires. */
  refresh: () => void;
  /** Whether the page is hidden: nobody is looking, so no new session is asked for. */
  hidden: () => boolean;
  clock?: Clock;
}

/**
 * Asks for a new session later: after an error, with backoff and a visible
 * countdown (`retryIn`), and, with auto-refresh, shortly before a QR expires.
 * Neither happens while the page is hidden; both catch up when it is shown.
 */
export class RetryController implements ReactiveController {
  /** Seconds until the next retry, or null when none is waiting. */
  retryIn: number | null = null;
  #delay = RETRY_MIN_MS;
  #retryTimer: unknown = null;
  #refreshTimer: unknown = null;
  #refreshPending = false;
  readonly #host: ReactiveControllerHost;
  readonly #options: RetryOptions;
  readonly #clock: Clock;

  constructor(host: ReactiveControllerHost, options: RetryOptions) {
    this.#host = host;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    host.addController(this);
  }

  /** Retries after the current backoff delay, and doubles the next one. */
  retryLater(): void {
    this.#stopRetry();
    const due = this.#clock.now() + this.#delay;
    this.retryIn = Math.ceil(this.#delay / 1000);
    this.#delay = Math.min(RETRY_MAX_MS, this.#delay * 2);
    const wait = (): void => {
      this.retryIn = Math.max(0, Math.ceil((due - this.#clock.now()) / 1000));
      this.#host.requestUpdate();
      if (this.#clock.now() >= due && !this.#options.hidden()) {
        this.#retryTimer = null;
        this.#options.retry();
        return;
      }
      this.#retryTimer = this.#clock.setTimeout(wait, RETRY_TICK_MS);
    };
    this.#retryTimer = this.#clock.setTimeout(wait, RETRY_TICK_MS);
  }

  /** A session was created: the next failure waits the shortest delay again. */
  succeeded(): void {
    this.#delay = RETRY_MIN_MS;
  }

  /** Asks for a fresh QR shortly before `expiresAt` (ms since the epoch). */
  refreshBefore(expiresAt: number): void {
    if (this.#refreshTimer !== null) this.#clock.clearTimeout(this.#refreshTimer);
    const life = expiresAt - this.#clock.now();
    const delay = Math.max(0, life - Math.min(REFRESH_AHEAD_MS, life / 4));
    this.#refreshTimer = this.#clock.setTimeout(() => {
      this.#refreshTimer = null;
      this.#refresh();
    }, delay);
  }

  /** The page is visible again: a refresh that came due while it was hidden happens now. */
  resume(): void {
    if (this.#refreshPending) this.#refresh();
  }

  /** Cancels any waiting retry or refresh. */
  stop(): void {
    this.#stopRetry();
    if (this.#refreshTimer !== null) this.#clock.clearTimeout(this.#refreshTimer);
    this.#refreshTimer = null;
    this.#refreshPending = false;
  }

  /** Whether a retry is waiting. */
  get waiting(): boolean {
    return this.#retryTimer !== null;
  }

  /** Whether any timer is pending. */
  get active(): boolean {
    return this.#retryTimer !== null || this.#refreshTimer !== null;
  }

  hostDisconnected(): void {
    this.stop();
  }

  #refresh(): void {
    // Never mint QRs for a tab nobody is looking at; catch up when it is visible.
    this.#refreshPending = this.#options.hidden();
    if (!this.#refreshPending) this.#options.refresh();
  }

  #stopRetry(): void {
    if (this.#retryTimer !== null) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.retryIn = null;
  }
}
