import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A narrow touch screen is a phone: it cannot scan its own screen. */
export const PHONE_QUERY = '(pointer: coarse) and (max-width: 640px)';

/** What the page environment controller reports to its host, besides re-rendering it. */
export interface PageEnvironmentOptions {
  /** The page was hidden or shown again. */
  visibility?: (hidden: boolean) => void;
  /** The browser is back online. */
  online?: () => void;
  /** Stands in for `window.matchMedia` (tests). */
  matchMedia?: (query: string) => MediaQueryList;
}

/**
 * What the element needs to know about the page around it, and when it changes:
 * whether the screen is a phone's, the page's `<html lang>`, whether the tab is
 * visible, and whether the browser is online. Listens only while the host is
 * connected, so a removed element leaves no observer or listener behind.
 */
export class PageEnvironmentController implements ReactiveController {
  /** Whether the screen looks like a phone's ({@link PHONE_QUERY}). */
  phone = false;
  /** The page's `<html lang>` ('' when none). */
  documentLang = '';
  #query: MediaQueryList | null = null;
  #observer: MutationObserver | null = null;

  readonly #host: ReactiveControllerHost;
  readonly #options: PageEnvironmentOptions;

  constructor(host: ReactiveControllerHost, options: PageEnvironmentOptions = {}) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Whether the tab is hidden (read live: the browser may change it at any time). */
  get hidden(): boolean {
    return document.hidden;
  }

  /** Whether the browser believes it is online. */
  get online(): boolean {
    return navigator.onLine;
  }

  /** The browser's preferred language. */
  get browserLang(): string {
    return navigator.language;
  }

  hostConnected(): void {
    this.#query = (this.#options.matchMedia ?? matchMedia)(PHONE_QUERY);
    this.phone = this.#query.matches;
    this.#query.addEventListener('change', this.#onPhoneChange);
    this.documentLang = document.documentElement.lang;
    this.#observer = new MutationObserver(this.#onLangChange);
    this.#observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('online', this.#onOnline);
  }

  hostDisconnected(): void {
    this.#query?.removeEventListener('change', this.#onPhoneChange);
    this.#query = null;
    this.#observer?.disconnect();
    this.#observer = null;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('online', this.#onOnline);
  }

  readonly #onPhoneChange = (event: MediaQueryListEvent): void => {
    this.phone = event.matches;
    this.#host.requestUpdate();
  };

  readonly #onLangChange = (): void => {
    this.documentLang = document.documentElement.lang;
    this.#host.requestUpdate();
  };

  readonly #onVisibility = (): void => this.#options.visibility?.(this.hidden);

  readonly #onOnline = (): void => this.#options.online?.();
}
