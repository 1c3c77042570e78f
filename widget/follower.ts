import { TERMINAL_STATUSES, type SessionView } from '../shared/wire';
import { systemClock, type Clock } from './controllers/clock';
import { base, readStatus } from './session-api';

/** Poll every 2 s while healthy, backing off to 15 s while the Worker is unreachable. */
const POLL_MIN_MS = 2_000;
const POLL_MAX_MS = 15_000;
/** Status stream (SSE) errors in a row, without a message between them, before falling back to polling. */
const STREAM_ERRORS_BEFORE_POLLING = 3;

/**
 * Follows one session's status: live from the Worker's status stream (SSE), falling
 * back to polling when streams fail (proxies, old browsers). Paused while the
 * tab is hidden; leaves no connection or timer behind after `stop()`.
 */
export class StatusFollower {
  #source: EventSource | null = null;
  #timer: unknown = null;
  #aborter: AbortController | null = null;
  #streamErrors = 0;
  #polling = false;
  #pollDelay = POLL_MIN_MS;
  #running = false;

  readonly #endpoint: string;
  readonly #sessionId: string;
  readonly #onUpdate: (update: SessionView) => void;
  readonly #clock: Clock;

  constructor(
    endpoint: string,
    sessionId: string,
    onUpdate: (update: SessionView) => void,
    clock: Clock = systemClock,
  ) {
    this.#endpoint = endpoint;
    this.#sessionId = sessionId;
    this.#onUpdate = onUpdate;
    this.#clock = clock;
  }

  /** Starts (or resumes) following, with an immediate check so nothing missed while paused is lost. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#check();
    this.#connect();
  }

  /** Closes everything; `start()` may follow again later. */
  stop(): void {
    this.#running = false;
    this.#source?.close();
    this.#source = null;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#aborter?.abort();
    this.#aborter = null;
  }

  /** Whether any connection or timer is open (tests use it to prove a clean stop). */
  get active(): boolean {
    return this.#source !== null || this.#timer !== null || this.#aborter !== null;
  }

  #connect(): void {
    if (!this.#running) return;
    // Without EventSource, polling is for good: each poll books the next one.
    if (typeof EventSource === 'undefined') this.#polling = true;
    if (this.#polling) {
      this.#schedulePoll(this.#pollDelay);
      return;
    }
    const source = new EventSource(`${base(this.#endpoint)}/v1/sessions/${this.#sessionId}/events`);
    this.#source = source;
    source.addEventListener('status', (message) => {
      this.#streamErrors = 0;
      this.#deliver((message as MessageEvent<string>).data);
    });
    source.addEventListener('error', () => {
      this.#streamErrors += 1;
      if (
        source.readyState === EventSource.CLOSED ||
        this.#streamErrors >= STREAM_ERRORS_BEFORE_POLLING
      ) {
        source.close();
        if (this.#source === source) this.#source = null;
        this.#polling = true;
        this.#schedulePoll(0);
      }
    });
  }

  #deliver(data: string): void {
    let update: SessionView;
    try {
      update = JSON.parse(data) as SessionView;
    } catch {
      return;
    }
    this.#handle(update);
  }

  #handle(update: SessionView): void {
    if (!this.#running) return;
    if (TERMINAL_STATUSES.includes(update.status)) this.stop();
    this.#onUpdate(update);
  }

  #schedulePoll(delay: number): void {
    if (!this.#running || this.#timer !== null) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      void this.#check().then((ok) => {
        this.#pollDelay = ok ? POLL_MIN_MS : Math.min(POLL_MAX_MS, this.#pollDelay * 2);
        if (this.#polling) this.#schedulePoll(this.#pollDelay);
      });
    }, delay);
  }

  async #check(): Promise<boolean> {
    const aborter = new AbortController();
    this.#aborter?.abort();
    this.#aborter = aborter;
    try {
      const update = await readStatus(this.#endpoint, this.#sessionId, aborter.signal);
      this.#handle(update);
      return true;
    } catch {
      return false;
    } finally {
      if (this.#aborter === aborter) this.#aborter = null;
    }
  }
}
