import type { Lang } from '../../shared/wire';
import type { HostedPageConfig } from '../settings/hosted-page';
import type { HostedView } from '../session/hosted-view';
import { GLUE } from './glue';
import { hostedText, type HostedText } from './text';

/** The element's classic script, a static asset of the Worker (wrangler.jsonc `assets`). */
const ELEMENT_SCRIPT = '/paypay-kyc-passport.iife.js';

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d1f23;--muted:#50555d}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--card:#23262b;--fg:#f1f3f5;--muted:#b9bec6}}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,"Hiragino Sans","Noto Sans JP",sans-serif}
main{background:var(--card);border-radius:16px;padding:24px;max-width:440px;margin:16px;text-align:center;box-shadow:0 2px 12px rgb(0 0 0/.08);border-top:4px solid var(--accent,transparent)}
header{display:flex;align-items:center;justify-content:center;gap:12px;margin-bottom:8px}
header img{max-height:40px;max-width:160px}p.shop{font-weight:600;font-size:18px;margin:0;color:var(--fg)}
h1{font-size:20px;margin:0 0 12px}p{margin:0 0 12px;color:var(--muted)}small{color:var(--muted)}
paypay-kyc-passport{display:block;margin:0 auto}
button{font:inherit;padding:10px 20px;border-radius:8px;border:0;background:var(--accent,#1d1f23);color:var(--accent-text,#fff);cursor:pointer}`;

/** What the verification page shows: the session's view, the theme, where it is served. */
export interface VerifyPage {
  view: HostedView & { hosted: NonNullable<HostedView['hosted']> };
  lang: Lang;
  /** The Worker's own origin: the element's `endpoint`. */
  origin: string;
  theme: HostedPageConfig;
}

/**
 * `GET /verify/:id`: the shop's name and logo, the element following the
 * merchant's session, and the form that takes the customer back. A session
 * that already ended (expired, failed) gets no element: the form is filled
 * here and sent at once, or by its button without script.
 */
export function verifyPage({ view, lang, origin, theme }: VerifyPage): Response {
  const t = hostedText(lang);
  const returnUrl = new URL(view.hosted.returnUrl);
  const shop = theme.name ?? returnUrl.host;
  const { sessionId, status } = view.session;
  const ended = status === 'expired' || status === 'failed' ? status : null;
  const reason = status === 'failed' ? (view.failure ?? 'PAYPAY_ERROR') : 'expired';
  const fields: Record<string, string> = ended === null ? {} : { status: ended, reason };
  const logo =
    theme.logoUrl === null ? '' : `<img src="${escapeHtml(theme.logoUrl)}" alt="" width="40">`;
  const body = `<header>${logo}<p class="shop">${escapeHtml(shop)}</p></header>
${
  ended === null
    ? `<p>${escapeHtml(t.lead(shop))}</p>
<paypay-kyc-passport endpoint="${escapeHtml(origin)}" session-provider="/verify/${escapeHtml(sessionId)}" lang="${lang}"></paypay-kyc-passport>
<noscript><p>${escapeHtml(t.noscript(shop))}</p></noscript>`
    : `<p>${escapeHtml(t.returning(shop))}</p>`
}
<form id="return" method="post" action="${escapeHtml(returnUrl.href)}"${ended ? ` data-ended="${ended}"` : ''}>
${hidden({ sessionId, ...fields })}${ended ? `<button type="submit">${escapeHtml(t.back(shop))}</button>` : ''}
</form>`;
  const csp = [
    `img-src ${theme.logoUrl === null ? "'none'" : new URL(theme.logoUrl).origin}`,
    `connect-src 'self'`,
    `form-action ${returnUrl.origin}`,
  ];
  return page({
    lang,
    title: `${t.title} | ${shop}`,
    body,
    status: 200,
    scripts: ended === null ? [GLUE, ELEMENT_SCRIPT] : [GLUE],
    csp,
    accent: theme.color,
  });
}

/** A page for a session id the hosted page does not serve: unknown (404), finished (410), or no settings (503). */
export function hostedErrorPage(
  kind: 'notFound' | 'gone' | 'unavailable',
  lang: Lang,
  requestId: string,
): Response {
  const t: HostedText = hostedText(lang);
  const { title, body } = t[kind];
  const status = { notFound: 404, gone: 410, unavailable: 503 }[kind];
  return page({
    lang,
    title,
    body: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><small>${t.reference}: ${escapeHtml(requestId)}</small>`,
    status,
    scripts: [],
    csp: ["img-src 'none'", "connect-src 'none'", "form-action 'none'"],
    accent: null,
    kind,
  });
}

interface PageParts {
  lang: Lang;
  title: string;
  body: string;
  status: number;
  /** Inline script text, or a same-origin path: each carries the response's nonce. */
  scripts: string[];
  csp: string[];
  accent: string | null;
  kind?: string;
}

/** The document around a body, with a CSP as strict as the callback page's and a fresh nonce. */
function page(parts: PageParts): Response {
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const scripts = parts.scripts
    .map((script) =>
      script.startsWith('/')
        ? `<script src="${script}" nonce="${nonce}"></script>`
        : `<script nonce="${nonce}">${script}</script>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="${parts.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(parts.title)}</title><style nonce="${nonce}">${STYLE}${accentStyle(parts.accent)}</style></head>
<body${parts.kind ? ` data-page="${parts.kind}"` : ''}><main>
${parts.body}
</main>
${scripts}
</body></html>`;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    ...parts.csp,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ];
  return new Response(html, {
    status: parts.status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The URL holds the session id: no Referer to the logo's host or the shop.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': csp.join('; '),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** The accent (HOSTED_PAGE_COLOR, `#rrggbb`, checked) on the page and the element, with readable text on it. */
function accentStyle(accent: string | null): string {
  if (accent === null) return '';
  const text = darkText(accent) ? '#000' : '#fff';
  return `:root{--accent:${accent};--accent-text:${text}}paypay-kyc-passport{--kyc-passport-accent:${accent};--kyc-passport-accent-text:${text};--kyc-passport-focus:${accent}}`;
}

/** Whether black text reads better than white on `color` (WCAG relative luminance). */
function darkText(color: string): boolean {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(color.slice(at, at + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05);
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
