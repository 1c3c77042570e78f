import { html, nothing, type TemplateResult } from 'lit';
import type { Strings } from './i18n';
import { qrPath, type QrPath } from './qr';

/** The live status line every state has, announced politely by screen readers. */
export function statusLine(text: string): TemplateResult {
  return html`<p part="status" role="status" aria-live="polite">${text}</p>`;
}

/** The way out of a dead end (failed, expired, error); `data-autofocus` lets controllers/focus.ts move focus to it. */
export function retryButton(label: string, onClick: () => void): TemplateResult {
  return html`<button part="button primary retry-button" data-autofocus @click=${onClick}>
    ${label}
  </button>`;
}

/** The spinner shown while waiting; the status line says what for. */
export const spinner = html`<div class="spinner" aria-hidden="true"></div>`;

/** The mark beside a final status; the status line says it in words. */
export function mark(outcome: 'done' | 'bad'): TemplateResult {
  return html`<div class="mark ${outcome}" aria-hidden="true">
    ${outcome === 'done' ? '✓' : '!'}
  </div>`;
}

// The countdown re-renders every second: encode each URL once, not once a tick.
// A few entries cover the pages that show more than one element.
const encoded = new Map<string, QrPath>();
const ENCODED_MAX = 4;

/** The QR code of `url`, as one crisp SVG path on white, named by `label` for screen readers. */
export function qrCode(url: string, label: string): TemplateResult {
  let path = encoded.get(url);
  if (!path) {
    path = qrPath(url);
    encoded.set(url, path);
    for (const oldest of encoded.keys()) if (encoded.size > ENCODED_MAX) encoded.delete(oldest);
  }
  const { size, d } = path;
  return html`<svg
    part="qr"
    role="img"
    aria-label=${label}
    viewBox="0 0 ${size} ${size}"
    shape-rendering="crispEdges"
  >
    <rect width=${size} height=${size} fill="#ffffff"></rect>
    <path d=${d} fill="#000000"></path>
  </svg>`;
}

/** What the qr state shows, decided by the element. */
export interface QrView {
  /** Seconds left before the QR expires. */
  remaining: number;
  /** The QR itself (a desktop, or `mode="qr"`), rather than the Open PayPay link. */
  qr: boolean;
  /** The show/hide QR toggle beside the link (`mode="auto"` on a phone). */
  toggle: boolean;
  /** Whether the toggle shows the QR. */
  qrOnPhone: boolean;
  onToggle: () => void;
}

/** The qr state: the QR to scan, or on phones the Open PayPay link (and the QR on demand). */
export function qrState(t: Strings, url: string, view: QrView): TemplateResult {
  const countdown = html`<p part="countdown" aria-live="off">${t.expiresIn(view.remaining)}</p>`;
  if (view.qr) {
    return html`${statusLine(t.scanQr)}${qrCode(url, t.qrLabel(url))}
      <p class="hint">${t.scanHint}</p>
      ${countdown}`;
  }
  const toggle = html`<button
    part="link"
    aria-expanded=${view.qrOnPhone ? 'true' : 'false'}
    @click=${view.onToggle}
  >
    ${view.qrOnPhone ? t.hideQr : t.showQr}
  </button>`;
  return html`${statusLine(t.openHint)}
    <a part="button primary open-button" href=${url} rel="noopener">${t.openPayPay}</a>
    ${countdown} ${view.toggle ? toggle : nothing}
    ${view.qrOnPhone && view.toggle ? qrCode(url, t.qrLabel(url)) : nothing}`;
}
