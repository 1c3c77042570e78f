import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { systemClock, type Clock } from './clock';

const TICK_MS = 1000;

/**
 * The seconds left before a QR expires, re-rendering the host once a second.
 * It only reads the clock: the Worker decides expiry, this just says when our
 * own clock thinks it has come (`onZero`), which the Worker confirms within a second.
 */
export class CountdownController implements ReactiveController {
  /** Whole seconds left, rounded up (0 once the deadline has passed). */
  remaining = 0;
  #deadline = 0;
  #timer: unknown = null;

  readonly #host: ReactiveControllerHost;
  readonly #onZero: () => void;
  readonly #clock: Clock;

  constructor(host: ReactiveControllerHost, onZero: () => void, clock: Clock = systemClock) {
    this.#host = host;
    this.#onZero = onZero;
    this.#clock = clock;
    host.addController(this);
  }

  /** Counts down to `deadline` (ms since the epoch); a running countdown just moves its deadline. */
  start(deadline: number): void {
    this.#deadline = deadline;
    if (this.#timer === null) this.#schedule();
    this.tick();
  }

  /** Reads the clock now, e.g. when a hidden tab (whose timers the browser slows) is shown again. */
  tick(): void {
    this.remaining = Math.max(0, Math.ceil((this.#deadline - this.#clock.now()) / 1000));
    this.#host.requestUpdate();
    if (this.remaining === 0) this.#onZero();
  }

  /** Stops ticking; `remaining` keeps its last value for the last render. */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Whether a timer is pending. */
  get active(): boolean {
    return this.#timer !== null;
  }

  hostDisconnected(): void {
    this.stop();
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      // The next tick is booked before this one runs, so an `onZero` that stops us stops it too.
      this.#schedule();
      this.tick();
    }, TICK_MS);
  }
}
