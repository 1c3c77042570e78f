import { html, LitElement, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import type {
  CreatedSession,
  FailureReason,
  Lang,
  RedirectType,
  SessionView,
} from '../shared/wire';
import {
  KycPassportCompleteEvent,
  KycPassportErrorEvent,
  KycPassportExpiredEvent,
  KycPassportReadyEvent,
  KycPassportStatusEvent,
  type ErrorDetail,
} from './events';
import { StatusFollower } from './follower';
import { errorText, resolveLang, stringsFor, type Strings } from './i18n';
import { qrPath, type QrPath } from './qr';
import { startSession, WidgetApiError } from './session-api';
import { styles } from './paypay-kyc-passport.styles';

/** What the element shows. */
export type ViewState =
  'idle' | 'creating' | 'qr' | 'authorized' | 'completed' | 'failed' | 'expired' | 'error';

/** `mode`: QR on desktops and an Open PayPay button on phones, or one of them always. */
export type DisplayMode = 'auto' | 'qr' | 'button';

/** A narrow touch screen is a phone: it cannot scan its own screen. */
const PHONE_QUERY = '(pointer: coarse) and (max-width: 640px)';
/**
 * With auto-refresh, a new QR is fetched this long before the old one expires:
 * 15 s, or a quarter of a short-lived QR's life, so a refresh never loops.
 */
const REFRESH_AHEAD_MS = 15_000;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 30_000;

const booleanOnByDefault = {
  fromAttribute: (value: string | null) =>
    value === null || !['false', 'off', '0'].includes(value.toLowerCase()),
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};

/**
 * Lets a customer share the identity PayPay already verified.
 *
 * @summary PayPay KYC Passport: a QR code (an "Open PayPay" button on phones)
 * that follows the verification live and hands the page an opaque result token.
 *
 * @fires kyc-passport-ready - A QR or button is showing. `detail: {sessionId, expiresAt}`
 * @fires kyc-passport-status - The session moved. `detail: {sessionId, status, reason?}`
 * @fires kyc-passport-complete - Verified, once per session. `detail: {sessionId, resultToken}`
 * @fires kyc-passport-expired - The QR expired unused. `detail: {sessionId}`
 * @fires kyc-passport-error - The Worker was unreachable or refused. `detail: {code, message, requestId}`
 *
 * @csspart card - The box around everything.
 * @csspart title - The heading.
 * @csspart status - The live status line (announced politely to screen readers).
 * @csspart qr - The QR code (SVG).
 * @csspart countdown - Time left before the QR expires.
 * @csspart button - Every button and the Open PayPay link.
 * @csspart primary - The main action of a state.
 * @csspart open-button - The Open PayPay link on phones.
 * @csspart retry-button - Try again / new QR buttons.
 * @csspart link - The show/hide QR toggle.
 *
 * @cssproperty --kyc-passport-accent - Button colour.
 * @cssproperty --kyc-passport-accent-text - Text on the accent colour.
 * @cssproperty --kyc-passport-bg - Card background.
 * @cssproperty --kyc-passport-fg - Text colour.
 * @cssproperty --kyc-passport-muted - Secondary text colour.
 * @cssproperty --kyc-passport-border - Card border colour.
 * @cssproperty --kyc-passport-success - Completed mark colour.
 * @cssproperty --kyc-passport-danger - Failure mark colour.
 * @cssproperty --kyc-passport-focus - Focus ring colour.
 * @cssproperty --kyc-passport-radius - Card corner radius.
 * @cssproperty --kyc-passport-size - QR code size.
 * @cssproperty --kyc-passport-font - Font family.
 */
export class PayPayKycPassport extends LitElement {
  static override styles = styles;

  static override properties = {
    endpoint: { type: String, attribute: 'endpoint' },
    referenceId: { type: String, attribute: 'reference-id' },
    lang: { type: String, attribute: 'lang' },
    redirectType: { type: String, attribute: 'redirect-type' },
    autoStart: { attribute: 'auto-start', converter: booleanOnByDefault },
    autoRefresh: { type: Boolean, attribute: 'auto-refresh' },
    mode: { type: String, attribute: 'mode' },
    sessionProvider: { type: String, attribute: 'session-provider' },
    view: { state: true },
    session: { state: true },
    reason: { state: true },
    failure: { state: true },
    remaining: { state: true },
    retryIn: { state: true },
    phone: { state: true },
    qrOnPhone: { state: true },
    documentLang: { state: true },
  };

  /** Registers the element once, whatever number of times the script loads. */
  static define(name = 'paypay-kyc-passport'): void {
    if (!customElements.get(name)) customElements.define(name, this);
  }

  /** The Worker's URL (required). */
  declare endpoint: string;
  /** The merchant's id for this customer, passed to PayPay (public mode only). */
  declare referenceId: string | undefined;
  /** `ja` or `en`; default: the page's `<html lang>`, then the browser's language. */
  declare lang: string;
  /** `WEB_LINK` (default) or `APP_DEEP_LINK`. */
  declare redirectType: RedirectType | undefined;
  /** Start as soon as the element is on the page (default on; `auto-start="false"` to wait for `start()`). */
  declare autoStart: boolean;
  /** Fetch a fresh QR before the old one expires, while the page is visible. */
  declare autoRefresh: boolean;
  /** `auto` (QR on desktop, button on phones), `qr` or `button`. */
  declare mode: DisplayMode;
  /** A merchant URL that creates sessions server-side (POST, credentials included). */
  declare sessionProvider: string | undefined;

  declare private view: ViewState;
  declare private session: CreatedSession | null;
  declare private reason: FailureReason | null;
  declare private failure: ErrorDetail | null;
  declare private remaining: number;
  declare private retryIn: number | null;
  declare private phone: boolean;
  declare private qrOnPhone: boolean;
  declare private documentLang: string;

  private follower: StatusFollower | null = null;
  private aborter: AbortController | null = null;
  private countdown: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setInterval> | null = null;
  private retryDelay = RETRY_MIN_MS;
  private refreshPending = false;
  private readonly completed = new Set<string>();
  private phoneQuery: MediaQueryList | null = null;
  private qrCache: { url: string; path: QrPath } | null = null;
  private langObserver: MutationObserver | null = null;

  constructor() {
    super();
    this.endpoint = '';
    this.lang = '';
    this.autoStart = true;
    this.autoRefresh = false;
    this.mode = 'auto';
    this.view = 'idle';
    this.session = null;
    this.reason = null;
    this.failure = null;
    this.remaining = 0;
    this.retryIn = null;
    this.phone = false;
    this.qrOnPhone = false;
    this.documentLang = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.phoneQuery = matchMedia(PHONE_QUERY);
    this.phone = this.phoneQuery.matches;
    this.phoneQuery.addEventListener('change', this.onPhoneChange);
    this.documentLang = document.documentElement.lang;
    this.langObserver = new MutationObserver(
      () => (this.documentLang = document.documentElement.lang),
    );
    this.langObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('online', this.onOnline);
    if (this.autoStart && this.view === 'idle') void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopAll();
    this.phoneQuery?.removeEventListener('change', this.onPhoneChange);
    this.phoneQuery = null;
    this.langObserver?.disconnect();
    this.langObserver = null;
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('online', this.onOnline);
  }

  /** Creates a session and shows its QR; also what every retry button does. */
  async start(): Promise<void> {
    this.stopAll();
    this.view = 'creating';
    this.reason = null;
    this.failure = null;
    await this.createSession();
  }

  /** Stops following and goes back to the idle state (call `start()` to begin again). */
  reset(): void {
    this.stopAll();
    this.session = null;
    this.reason = null;
    this.failure = null;
    this.view = 'idle';
  }

  /** Whether any timer, request or connection is still open (used by tests to prove clean removal). */
  get busy(): boolean {
    return (
      this.countdown !== null ||
      this.refreshTimer !== null ||
      this.retryTimer !== null ||
      this.aborter !== null ||
      (this.follower?.active ?? false)
    );
  }

  private get strings(): Strings {
    return stringsFor(this.language);
  }

  private get language(): Lang {
    return resolveLang(this.lang || undefined, this.documentLang, navigator.language);
  }

  private async createSession(): Promise<void> {
    const aborter = new AbortController();
    this.aborter = aborter;
    try {
      const session = await startSession({
        endpoint: this.endpoint,
        provider: this.sessionProvider,
        lang: this.language,
        referenceId: this.referenceId || undefined,
        redirectType: this.redirectType,
        signal: aborter.signal,
      });
      if (aborter.signal.aborted) return;
      this.retryDelay = RETRY_MIN_MS;
      this.show(session);
    } catch (error) {
      if (aborter.signal.aborted) return;
      this.fail(error);
    } finally {
      if (this.aborter === aborter) this.aborter = null;
    }
  }

  private show(session: CreatedSession): void {
    this.follower?.stop();
    this.session = session;
    this.view = 'qr';
    this.qrOnPhone = false;
    this.tick();
    this.countdown ??= setInterval(() => this.tick(), 1000);
    this.scheduleRefresh();
    this.follower = new StatusFollower(this.endpoint, session.sessionId, (view) =>
      this.apply(session, view),
    );
    if (!document.hidden) this.follower.start();
    this.dispatchEvent(
      new KycPassportReadyEvent({ sessionId: session.sessionId, expiresAt: session.expiresAt }),
    );
    this.emitStatus(session.sessionId, 'pending');
  }

  private apply(session: CreatedSession, view: SessionView): void {
    // A stale session's news (after a refresh or reset) is not this QR's.
    if (this.session?.sessionId !== session.sessionId) return;
    const before = this.view;
    switch (view.status) {
      case 'pending':
        return;
      case 'authorized':
        this.view = 'authorized';
        this.stopTimers();
        break;
      case 'completed':
        if (!view.resultToken) return;
        this.view = 'completed';
        this.stopAll();
        break;
      case 'failed':
        this.view = 'failed';
        this.reason = view.error?.reason ?? 'PAYPAY_ERROR';
        this.stopAll();
        break;
      case 'expired':
        this.expire();
        return;
    }
    if (before !== this.view)
      this.emitStatus(
        session.sessionId,
        view.status,
        this.view === 'failed' ? (this.reason ?? undefined) : undefined,
      );
    if (view.status === 'completed' && view.resultToken && !this.completed.has(session.sessionId)) {
      this.completed.add(session.sessionId);
      this.dispatchEvent(
        new KycPassportCompleteEvent({
          sessionId: session.sessionId,
          resultToken: view.resultToken,
        }),
      );
    }
  }

  private expire(): void {
    const session = this.session;
    if (!session || this.view === 'expired' || this.view === 'completed' || this.view === 'failed')
      return;
    this.stopAll();
    this.view = 'expired';
    this.emitStatus(session.sessionId, 'expired');
    this.dispatchEvent(new KycPassportExpiredEvent({ sessionId: session.sessionId }));
  }

  private tick(): void {
    if (!this.session) return;
    this.remaining = Math.max(
      0,
      Math.ceil((Date.parse(this.session.expiresAt) - Date.now()) / 1000),
    );
    // Our clock said so; the Worker's alarm will say the same within a second.
    if (this.remaining === 0 && this.view === 'qr') this.expire();
  }

  private scheduleRefresh(): void {
    if (!this.autoRefresh || !this.session) return;
    const life = Date.parse(this.session.expiresAt) - Date.now();
    const delay = Math.max(0, life - Math.min(REFRESH_AHEAD_MS, life / 4));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, delay);
  }

  private refresh(): void {
    if (this.view !== 'qr') return;
    // Never mint QRs for a tab nobody is looking at; catch up when it is visible.
    if (document.hidden) {
      this.refreshPending = true;
      return;
    }
    this.refreshPending = false;
    void this.createSession();
  }

  private fail(error: unknown): void {
    const detail: ErrorDetail =
      error instanceof WidgetApiError
        ? {
            code: error.code,
            message: errorText(this.strings, error.code),
            requestId: error.requestId,
          }
        : {
            code: 'INTERNAL_ERROR',
            message: errorText(this.strings, 'INTERNAL_ERROR'),
            requestId: null,
          };
    this.stopAll();
    this.failure = detail;
    this.view = 'error';
    this.dispatchEvent(new KycPassportErrorEvent(detail));
    const retryable = !(error instanceof WidgetApiError) || error.retryable;
    if (retryable) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const due = Date.now() + this.retryDelay;
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.retryIn = Math.ceil((due - Date.now()) / 1000);
    this.retryTimer = setInterval(() => {
      this.retryIn = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      if (Date.now() >= due && !document.hidden) void this.start();
    }, 250);
  }

  private emitStatus(
    sessionId: string,
    status: SessionView['status'],
    reason?: FailureReason,
  ): void {
    this.dispatchEvent(
      new KycPassportStatusEvent(reason ? { sessionId, status, reason } : { sessionId, status }),
    );
  }

  private stopTimers(): void {
    if (this.countdown !== null) clearInterval(this.countdown);
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    if (this.retryTimer !== null) clearInterval(this.retryTimer);
    this.countdown = this.refreshTimer = this.retryTimer = null;
    this.retryIn = null;
  }

  private stopAll(): void {
    this.stopTimers();
    this.follower?.stop();
    this.follower = null;
    this.aborter?.abort();
    this.aborter = null;
    this.refreshPending = false;
  }

  private readonly onPhoneChange = (event: MediaQueryListEvent): void => {
    this.phone = event.matches;
  };

  private readonly onVisibility = (): void => {
    if (document.hidden) {
      this.follower?.stop();
      return;
    }
    // Back in view: check at once (the phone may have finished meanwhile), then follow.
    this.follower?.start();
    if (this.refreshPending) this.refresh();
    if (this.view === 'qr') this.tick();
  };

  private readonly onOnline = (): void => {
    if (this.view === 'error' && this.retryTimer !== null) void this.start();
  };

  protected override updated(changed: PropertyValues): void {
    if (changed.has('view') && changed.get('view') !== undefined) {
      // Move focus only to an action the customer now needs, never away from one they used.
      const target = this.renderRoot.querySelector<HTMLElement>('[data-autofocus]');
      if (target && this.matches(':focus-within')) target.focus();
    }
  }

  override render(): TemplateResult {
    const t = this.strings;
    return html`<div part="card" lang=${this.language} data-state=${this.view}>
      <h2 part="title">${t.title}</h2>
      ${this.renderState(t)}
    </div>`;
  }

  private renderState(t: Strings): TemplateResult {
    switch (this.view) {
      case 'idle':
        return html`${this.status('')}<button part="button primary" @click=${this.start}>
            ${t.start}
          </button>`;
      case 'creating':
        return html`<div class="spinner" aria-hidden="true"></div>
          ${this.status(t.creating)}`;
      case 'qr':
        return this.renderQr(t);
      case 'authorized':
        return html`<div class="spinner" aria-hidden="true"></div>
          ${this.status(t.authorized)}
          <p class="hint">${t.authorizedHint}</p>`;
      case 'completed':
        return html`<div class="mark done" aria-hidden="true">✓</div>
          ${this.status(t.completed)}
          <p class="hint">${t.completedHint}</p>`;
      case 'failed':
        return html`<div class="mark bad" aria-hidden="true">!</div>
          ${this.status(t.failed)}
          <p class="hint">${t.reasons[this.reason ?? 'PAYPAY_ERROR']}</p>
          ${this.retryButton(t.retry)}`;
      case 'expired':
        return html`${this.status(t.expired)}
          <p class="hint">${t.expiredHint}</p>
          ${this.retryButton(t.newQr)}`;
      case 'error':
        return html`<div class="mark bad" aria-hidden="true">!</div>
          ${this.status(t.error)}
          <p class="hint">${navigator.onLine ? (this.failure?.message ?? '') : t.offline}</p>
          ${this.retryIn !== null ? html`<p class="hint">${t.retrying(this.retryIn)}</p>` : nothing}
          ${this.retryButton(t.retry)}
          ${this.failure?.requestId ? html`<p class="reference">${t.reference(this.failure.requestId)}</p>` : nothing}`;
    }
  }

  private renderQr(t: Strings): TemplateResult {
    const session = this.session!;
    const useButton = this.mode === 'button' || (this.mode === 'auto' && this.phone);
    const countdown = html`<p part="countdown" aria-live="off">${t.expiresIn(this.remaining)}</p>`;
    if (!useButton) {
      return html`${this.status(t.scanQr)}${this.qr(session.qrUrl, t)}
        <p class="hint">${t.scanHint}</p>
        ${countdown}`;
    }
    return html`${this.status(t.openHint)}
      <a part="button primary open-button" href=${session.qrUrl} rel="noopener">${t.openPayPay}</a>
      ${countdown}
      ${
        this.mode === 'auto'
          ? html`<button
              part="link"
              aria-expanded=${this.qrOnPhone ? 'true' : 'false'}
              @click=${() => (this.qrOnPhone = !this.qrOnPhone)}
            >
              ${this.qrOnPhone ? t.hideQr : t.showQr}
            </button>`
          : nothing
      }
      ${this.qrOnPhone && this.mode === 'auto' ? this.qr(session.qrUrl, t) : nothing}`;
  }

  private qr(url: string, t: Strings): TemplateResult {
    // The countdown re-renders every second: encode each URL once, not once a tick.
    if (this.qrCache?.url !== url) this.qrCache = { url, path: qrPath(url) };
    const { size, d } = this.qrCache.path;
    return html`<svg
      part="qr"
      role="img"
      aria-label=${t.qrLabel(url)}
      viewBox="0 0 ${size} ${size}"
      shape-rendering="crispEdges"
    >
      ${svg`<rect width=${size} height=${size} fill="#ffffff"></rect><path d=${d} fill="#000000"></path>`}
    </svg>`;
  }

  private status(text: string): TemplateResult {
    return html`<p part="status" role="status" aria-live="polite">${text}</p>`;
  }

  private retryButton(label: string): TemplateResult {
    return html`<button part="button primary retry-button" data-autofocus @click=${this.start}>
      ${label}
    </button>`;
  }
}
