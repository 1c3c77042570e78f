import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CreatedSession, SessionView } from '../../shared/wire';
import type { Clock } from './clock';
import { StatusFollower } from '../follower';
import { startSession, type StartOptions } from '../session-api';

/** What follows one session's status: {@link StatusFollower}, or a test's stand-in. */
export interface Follower {
  start(): void;
  stop(): void;
  readonly active: boolean;
}

/** What the session controller needs from its host, and what it tells it. */
export interface SessionOptions {
  /** What to ask for; read as each session is created, so attribute changes apply to the next QR. */
  request: () => Omit<StartOptions, 'signal'>;
  /** Whether the page is hidden: a hidden page's session is not followed until it is shown. */
  hidden: () => boolean;
  /** A session was created and is being followed. */
  created: (session: CreatedSession) => void;
  /** Creating a session failed (never said of a creation that was stopped). */
  failed: (error: unknown) => void;
  /** The Worker's news about the current session. */
  status: (session: CreatedSession, update: SessionView) => void;
  /** Creates a session (tests stand in for the Worker here). */
  create?: (options: StartOptions) => Promise<CreatedSession>;
  /** Makes the follower of a session (tests stand in for the status stream here). */
  follow?: (
    endpoint: string,
    sessionId: string,
    onUpdate: (update: SessionView) => void,
  ) => Follower;
  /** The follower's clock, for its polling timers. */
  clock?: Clock;
}

/**
 * One session at a time: creating it (abortable) and following its status
 * (SSE with a polling fallback, see {@link StatusFollower}). A newer session
 * replaces the older one, whose late news is dropped; nothing stays open once
 * the host is removed.
 */
export class SessionController implements ReactiveController {
  /** The session being shown, if any. */
  current: CreatedSession | null = null;
  #aborter: AbortController | null = null;
  #follower: Follower | null = null;

  readonly #options: SessionOptions;

  constructor(host: ReactiveControllerHost, options: SessionOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Creates a session and follows it; a creation still under way when `stop()` is called says nothing. */
  async create(): Promise<void> {
    const aborter = new AbortController();
    this.#aborter = aborter;
    const request = this.#options.request();
    try {
      const create = this.#options.create ?? startSession;
      const session = await create({ ...request, signal: aborter.signal });
      if (aborter.signal.aborted) return;
      this.#follow(request.endpoint, session);
      this.#options.created(session);
    } catch (error) {
      if (aborter.signal.aborted) return;
      this.#options.failed(error);
    } finally {
      if (this.#aborter === aborter) this.#aborter = null;
    }
  }

  /** The page was hidden: close the status connection (the session itself lives on). */
  pause(): void {
    this.#follower?.stop();
  }

  /** The page is visible again: check at once (the phone may have finished meanwhile), then follow. */
  resume(): void {
    this.#follower?.start();
  }

  /** Stops creating and following; `current` stays, for what the element still shows. */
  stop(): void {
    this.#follower?.stop();
    this.#follower = null;
    this.#aborter?.abort();
    this.#aborter = null;
  }

  /** Stops, and forgets the current session. */
  clear(): void {
    this.stop();
    this.current = null;
  }

  /** Whether a request or a status connection is open. */
  get busy(): boolean {
    return this.#aborter !== null || (this.#follower?.active ?? false);
  }

  hostDisconnected(): void {
    this.stop();
  }

  #follow(endpoint: string, session: CreatedSession): void {
    this.#follower?.stop();
    this.current = session;
    const follow =
      this.#options.follow ??
      ((url, id, onUpdate) => new StatusFollower(url, id, onUpdate, this.#options.clock));
    this.#follower = follow(endpoint, session.sessionId, (update) => {
      // A stale session's news (after a refresh or reset) is not this QR's.
      if (this.current?.sessionId === session.sessionId) this.#options.status(session, update);
    });
    if (!this.#options.hidden()) this.#follower.start();
  }
}
