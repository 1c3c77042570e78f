/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * No scripts and nothing from elsewhere: the pages are plain forms. The one
 * `<style>` block needs 'unsafe-inline' for styles only.
 */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `
:root { color-scheme: light dark; --red: #ff0033; --ink: #1d1d1f; --muted: #6b6b70; --card: #fff; --bg: #eef0f3; }
@media (prefers-color-scheme: dark) { :root { --ink: #f2f2f5; --muted: #a0a0a8; --card: #1c1c1f; --bg: #0d0d0f; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg);
  color: var(--ink); font: 15px/1.5 -apple-system, "Hiragino Sans", "Noto Sans JP", system-ui, sans-serif; }
main { width: min(390px, 100vw); min-height: min(760px, 100vh); background: var(--card);
  border-radius: 28px; box-shadow: 0 12px 40px rgb(0 0 0 / 0.18); overflow: hidden; }
header { background: var(--red); color: #fff; padding: 18px 22px; }
header h1 { margin: 0; font-size: 19px; }
header p { margin: 2px 0 0; font-size: 12px; opacity: 0.9; }
section { padding: 18px 22px; }
.en { display: block; color: var(--muted); font-size: 12px; }
dl { margin: 0 0 16px; display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
form { display: grid; gap: 8px; }
button { width: 100%; text-align: left; padding: 11px 14px; border-radius: 12px; font: inherit;
  border: 1px solid rgb(127 127 127 / 0.35); background: transparent; color: inherit; cursor: pointer; }
button:hover, button:focus-visible { border-color: var(--red); outline: none; }
button.primary { background: var(--red); border-color: var(--red); color: #fff; font-weight: 600; }
button.primary .en { color: rgb(255 255 255 / 0.85); }
label.option { display: flex; gap: 8px; align-items: center; font-size: 13px; margin: 4px 0 8px; }
label.picker { flex-direction: column; align-items: stretch; gap: 4px; }
label.picker .en { display: inline; }
select { width: 100%; padding: 9px 10px; border-radius: 10px; font: inherit; color: inherit;
  background: var(--card); border: 1px solid rgb(127 127 127 / 0.35); }
select:focus-visible { border-color: var(--red); outline: none; }
code { font-size: 13px; }
footer { padding: 0 22px 22px; color: var(--muted); font-size: 12px; }
`;

/** A complete page in the sandbox's phone-screen look. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>PayPay Sandbox</h1><p>KYC Passport のテスト環境 / test stand-in, not PayPay</p></header>
${body}
</main>
</body>
</html>
`;
}

/** An HTML response that cannot be framed, cached or run scripts. */
export function htmlResponse(html: string, status = 200): Response {
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

/** A page with one message in Japanese and English. */
export function messagePage(status: number, ja: string, en: string): Response {
  return htmlResponse(
    page(
      en,
      `<section role="status"><p>${escapeHtml(ja)}<span class="en">${escapeHtml(en)}</span></p></section>`,
    ),
    status,
  );
}

/** `GET /`: what the sandbox is and how to use it. */
export function indexPage(): Response {
  const body = `<section>
<p>PayPay OPA の KYC Passport API を手元で真似するサーバーです。
<span class="en">A local stand-in for PayPay's KYC Passport API: signed requests, QR sessions, a phone page, webhooks, recon files and faults.</span></p>
<dl>
<dt>API</dt><dd><code>POST /v1/qr/sessions</code>, <code>POST /v1/qr/sessions/{codeId}/kyc</code>, <code>GET /v1/kyc/passport</code>, <code>GET /v2/user/kycInfo</code>, <code>GET /v2/user/authorizations</code>, <code>DELETE /v2/user/authorizations/{userAuthorizationId}</code></dd>
<dt>Phone</dt><dd><code>/phone/{tenant}/{codeId}</code> (the QR link)</dd>
<dt>Admin</dt><dd><code>/_sandbox/merchant</code>, <code>/_sandbox/faults</code>, <code>/_sandbox/calls</code>, <code>/_sandbox/reset</code>, <code>/_sandbox/webhooks</code>, <code>/_sandbox/recon</code>, <code>/_sandbox/deliveries</code>, <code>/_sandbox/users</code>, <code>/_sandbox/sessions/{codeId}</code></dd>
<dt>Health</dt><dd><code>/healthz</code></dd>
</dl>
<p>使い方は <code>sandbox/README.md</code> を参照。<span class="en">See sandbox/README.md. Local use only: never deploy it with real credentials.</span></p>
</section>`;
  return htmlResponse(page('PayPay Sandbox', body));
}
