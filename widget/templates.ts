import { html, svg, type TemplateResult } from 'lit';
import { qrPath, type QrPath } from './qr';

/** The live status line every state has, announced politely by screen readers. */
export function statusLine(text: string): TemplateResult {
  return html`<p part="status" role="status" aria-live="polite">${text}</p>`;
}

/** The way out of a dead end (failed, expired, error); `data-autofocus` lets focus.ts move focus to it. */
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
    ${svg`<rect width=${size} height=${size} fill="#ffffff"></rect><path d=${d} fill="#000000"></path>`}
  </svg>`;
}
