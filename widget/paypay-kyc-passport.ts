import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type {
  CreatedSession,
  FailureReason,
  Lang,
  RedirectType,
  SessionView,
} from '../shared/wire';
import { onUnlessFalse, type DisplayMode, type ViewState } from './attributes';
import { CountdownController } from './controllers/countdown';
import {
  KycPassportCompleteEvent,
  KycPassportErrorEvent,
  KycPassportExpiredEvent,
  KycPassportReadyEvent,
  KycPassportStatusEvent,
  type ErrorDetail,
} from './events';
import { FocusController } from './controllers/focus';
import { PageEnvironmentController } from './controllers/page-environment';
import { RetryController } from './controllers/retry';
import { SessionController } from './controllers/session';
import { WidgetApiError } from './session-api';
import { mark, qrState, retryButton, spinner, statusLine } from './templates';
import { styles } from './paypay-kyc-passport.styles';
// Last: the strings come last in the bundle, which gzips it smaller (38 B).
import { errorText, resolveLang, stringsFor, type Strings } from './i18n';

/**
 * Lets a customer share the identity PayPay already verified.
 *
 * @tag paypay-kyc-passport
 *
 * @summary PayPay KYC Passport: a QR code (an "Open PayPay" button on phones)
 * that follows the verification live and hands the page an opaque result token.
 *
 * @fires {KycPassportReadyEvent} kyc-passport-ready - A QR or button is showing. `detail: {sessionId, expiresAt}`
 * @fires {KycPassportStatusEvent} kyc-passport-status - The session moved. `detail: {sessionId, status, reason?}`
 * @fires {KycPassportCompleteEvent} kyc-passport-complete - Verified, once per session. `detail: {sessionId, resultToken}`
 * @fires {KycPassportExpiredEvent} kyc-passport-expired - The QR expired unused. `detail: {sessionId}`
 * @fires {KycPassportErrorEvent} kyc-passport-error - The Worker was unreachable or refused. `detail: {code, message, requestId}`
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

  /** Registers the element once, whatever number of times the script loads. */
  static define(name = 'paypay-kyc-passport'): void {
    if (!customElements.get(name)) customElements.define(name, this);
  }

  // No decorators (their helpers get bundled); `attribute: false` tells custom-elements.json.
  static override properties: PropertyDeclarations = {
    endpoint: { attribute: 'endpoint' },
    referenceId: { attribute: 'reference-id' },
    lang: { attribute: 'lang' },
    redirectType: { attribute: 'redirect-type' },
    autoStart: { attribute: 'auto-start', converter: onUnlessFalse },
    autoRefresh: { attribute: 'auto-refresh', type: Boolean },
    mode: { attribute: 'mode' },
    sessionProvider: { attribute: 'session-provider' },
    claims: { attribute: 'claims' },
    view: { state: true, attribute: false },
    reason: { state: true, attribute: false },
    failure: { state: true, attribute: false },
    qrOnPhone: { state: true, attribute: false },
  };

  /** The Worker's URL (required). */
  endpoint = '';
  /** The merchant's id for this customer, passed to PayPay (public mode only). */
  referenceId?: string;
  /** `ja` or `en`; default: the page's `<html lang>`, then the browser's language. */
  override lang = '';
  /** `WEB_LINK` (default) or `APP_DEEP_LINK`. */
  redirectType?: RedirectType;
  /** Start as soon as the element is on the page (default on; `auto-start="false"` to wait for `start()`). */
  autoStart = true;
  /** Fetch a fresh QR before the old one expires, while the page is visible. */
  autoRefresh = false;
  /** `auto` (QR on desktop, button on phones), `qr` or `button`. */
  mode: DisplayMode = 'auto';
  /** A merchant URL that creates sessions server-side (POST, credentials included). */
  sessionProvider?: string;
  /** The facts the merchant receives, e.g. `age_over_20` (public mode; default: everything). */
  claims?: string;

  private view: ViewState = 'idle';
  private reason: FailureReason | null = null;
  private failure: ErrorDetail | null = null;
  private qrOnPhone = false;

  readonly #page = new PageEnvironmentController(this, {
    visibility: (hidden) => this.#onVisibility(hidden),
    online: () => {
      if (this.view === 'error' && this.#retry.waiting) void this.start();
    },
  });
  readonly #countdown = new CountdownController(this, () => {
    // Our clock said so; the Worker's alarm will say the same within a second.
    if (this.view === 'qr') this.#expire();
  });
  readonly #retry = new RetryController(this, {
    retry: () => void this.start(),
    refresh: () => {
      if (this.view === 'qr') void this.#sessions.create();
    },
    hidden: () => this.#page.hidden,
  });
  readonly #sessions = new SessionController(this, {
    request: () => ({
      endpoint: this.endpoint,
      provider: this.sessionProvider,
      lang: this.#language,
      referenceId: this.referenceId || undefined,
      redirectType: this.redirectType,
      claims: this.claims,
    }),
    hidden: () => this.#page.hidden,
    created: (session) => this.#show(session),
    failed: (error) => this.#fail(error),
    status: (session, update) => this.#apply(session, update),
  });
  readonly #completed = new Set<string>();
  private readonly focusing = new FocusController(this, () => this.view);

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.autoStart && this.view === 'idle') void this.start();
  }

  /** Creates a session and shows its QR; also what every retry button does. */
  async start(): Promise<void> {
    this.#stop();
    this.view = 'creating';
    this.reason = null;
    this.failure = null;
    await this.#sessions.create();
  }

  /** Stops following and goes back to the idle state (call `start()` to begin again). */
  reset(): void {
    this.#stop();
    this.#sessions.clear();
    this.reason = null;
    this.failure = null;
    this.view = 'idle';
  }

  /** Whether any timer, request or connection is still open (used by tests to prove clean removal). */
  get busy(): boolean {
    return this.#countdown.active || this.#retry.active || this.#sessions.busy;
  }

  get #strings(): Strings {
    return stringsFor(this.#language);
  }

  get #language(): Lang {
    return resolveLang(this.lang || undefined, this.#page.documentLang, this.#page.browserLang);
  }

  #show(session: CreatedSession): void {
    this.#retry.succeeded();
    this.view = 'qr';
    this.qrOnPhone = false;
    const expiresAt = Date.parse(session.expiresAt);
    this.#countdown.start(expiresAt);
    if (this.autoRefresh) this.#retry.refreshBefore(expiresAt);
    const { sessionId } = session;
    this.dispatchEvent(new KycPassportReadyEvent({ sessionId, expiresAt: session.expiresAt }));
    this.dispatchEvent(new KycPassportStatusEvent({ sessionId, status: 'pending' }));
  }

  #apply({ sessionId }: CreatedSession, update: SessionView): void {
    const { status, resultToken } = update;
    if (status === 'expired') return this.#expire();
    if (status === 'pending' || (status === 'completed' && !resultToken)) return;
    const before = this.view;
    this.view = status;
    // Approved: no more countdown or refresh, but the status is still followed.
    if (status === 'authorized') [this.#countdown, this.#retry].forEach((timer) => timer.stop());
    else this.#stop();
    const reason = status === 'failed' ? (update.error?.reason ?? 'PAYPAY_ERROR') : undefined;
    if (reason) this.reason = reason;
    const detail = reason ? { sessionId, status, reason } : { sessionId, status };
    if (before !== status) this.dispatchEvent(new KycPassportStatusEvent(detail));
    if (resultToken && status === 'completed' && !this.#completed.has(sessionId)) {
      this.#completed.add(sessionId);
      this.dispatchEvent(new KycPassportCompleteEvent({ sessionId, resultToken }));
    }
  }

  #expire(): void {
    const session = this.#sessions.current;
    if (!session || ['expired', 'completed', 'failed'].includes(this.view)) return;
    this.#stop();
    this.view = 'expired';
    const { sessionId } = session;
    this.dispatchEvent(new KycPassportStatusEvent({ sessionId, status: 'expired' }));
    this.dispatchEvent(new KycPassportExpiredEvent({ sessionId }));
  }

  #fail(error: unknown): void {
    const known = error instanceof WidgetApiError;
    const code = known ? error.code : 'INTERNAL_ERROR';
    const message = errorText(this.#strings, code);
    const detail: ErrorDetail = { code, message, requestId: known ? error.requestId : null };
    this.#stop();
    this.failure = detail;
    this.view = 'error';
    this.dispatchEvent(new KycPassportErrorEvent(detail));
    if (!known || error.retryable) this.#retry.retryLater();
  }

  #stop(): void {
    for (const concern of [this.#countdown, this.#retry, this.#sessions]) concern.stop();
  }

  #onVisibility(hidden: boolean): void {
    if (hidden) return this.#sessions.pause();
    this.#sessions.resume();
    this.#retry.resume();
    if (this.view === 'qr') this.#countdown.tick();
  }

  override render(): TemplateResult {
    const t = this.#strings;
    return html`<div part="card" lang=${this.#language} data-state=${this.view}>
      <h2 part="title">${t.title}</h2>
      ${this.#renderState(t)}
    </div>`;
  }

  #renderState(t: Strings): TemplateResult {
    switch (this.view) {
      case 'idle':
        return html`${statusLine('')}<button part="button primary" @click=${this.start}>
            ${t.start}
          </button>`;
      case 'creating':
        return html`${spinner}${statusLine(t.creating)}`;
      case 'qr':
        return qrState(t, this.#sessions.current!.qrUrl, {
          remaining: this.#countdown.remaining,
          qr: this.mode === 'qr' || (this.mode === 'auto' && !this.#page.phone),
          toggle: this.mode === 'auto',
          qrOnPhone: this.qrOnPhone,
          onToggle: () => (this.qrOnPhone = !this.qrOnPhone),
        });
      case 'authorized':
        return html`${spinner}${statusLine(t.authorized)}
          <p class="hint">${t.authorizedHint}</p>`;
      case 'completed':
        return html`${mark('done')}${statusLine(t.completed)}
          <p class="hint">${t.completedHint}</p>`;
      case 'failed':
        return html`${mark('bad')}${statusLine(t.failed)}
          <p class="hint">${t.reasons[this.reason ?? 'PAYPAY_ERROR']}</p>
          ${retryButton(t.retry, this.start)}`;
      case 'expired':
        return html`${statusLine(t.expired)}
          <p class="hint">${t.expiredHint}</p>
          ${retryButton(t.newQr, this.start)}`;
      case 'error': {
        const { retryIn } = this.#retry;
        const requestId = this.failure?.requestId;
        return html`${mark('bad')}${statusLine(t.error)}
          <p class="hint">${this.#page.online ? (this.failure?.message ?? '') : t.offline}</p>
          ${retryIn !== null ? html`<p class="hint">${t.retrying(retryIn)}</p>` : nothing}
          ${retryButton(t.retry, this.start)}
          ${requestId ? html`<p class="reference">${t.reference(requestId)}</p>` : nothing}`;
      }
    }
  }
}
