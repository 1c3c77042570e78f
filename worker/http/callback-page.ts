import type { FailureReason, Lang, SessionStatus } from '../../shared/wire';

/** What the phone is told after PayPay sends it back. */
export type PageKind =
  | { kind: 'completed' }
  | { kind: 'failed'; reason: FailureReason }
  | { kind: 'expired' }
  | { kind: 'already'; status: SessionStatus }
  | { kind: 'invalid' };

interface Text {
  title: string;
  body: string;
}

const BACK = {
  ja: '元の画面に戻って続けてください。',
  en: 'Go back to the other screen to continue.',
};

const REASONS: Record<FailureReason, Record<Lang, string>> = {
  declined: {
    ja: 'PayPayでの連携がキャンセルされました。',
    en: 'The link was declined in PayPay.',
  },
  bad_request: {
    ja: 'PayPayとの連携を完了できませんでした。',
    en: 'PayPay could not complete the request.',
  },
  KYC_PASSPORT_NOT_COMPLETED: {
    ja: 'PayPayで本人確認（KYCパスポート）が完了していません。',
    en: 'Identity verification (KYC Passport) has not been completed in PayPay.',
  },
  UNACCEPTABLE_OP: {
    ja: '現在このアカウントでは本人確認情報を共有できません。',
    en: 'Identity information cannot be shared from this account right now.',
  },
  KYC_UPDATE_REQUIRED: {
    ja: 'PayPayで本人確認書類の更新が必要です。',
    en: 'Your identity documents need to be updated in PayPay.',
  },
  CANCELED_USER: {
    ja: 'このPayPayアカウントは解約されています。',
    en: 'This PayPay account has been closed.',
  },
  USER_STATE_IS_NOT_ACTIVE: {
    ja: 'このPayPayアカウントは現在ご利用いただけません。',
    en: 'This PayPay account is not active.',
  },
  SESSION_NOT_FOUND: { ja: 'QRコードの有効期限が切れました。', en: 'The QR code has expired.' },
  KYC_DATA_MISMATCH: {
    ja: 'ご登録の情報とPayPayの本人確認情報が一致しませんでした。',
    en: 'Your details did not match the identity verified by PayPay.',
  },
  PAYPAY_UNAVAILABLE: {
    ja: 'PayPayに接続できませんでした。しばらくしてからお試しください。',
    en: 'PayPay could not be reached. Please try again shortly.',
  },
  KYC_METHOD_NOT_ACCEPTED: {
    ja: 'この本人確認の方法はこちらのサービスでは受け付けていません。別の方法で本人確認を行ってください。',
    en: 'This service does not accept the way your identity was verified. Please verify another way.',
  },
  PAYPAY_ERROR: {
    ja: 'PayPayとの連携中にエラーが発生しました。',
    en: 'Something went wrong while talking to PayPay.',
  },
};

function textOf(page: PageKind, lang: Lang): Text {
  const ja = lang === 'ja';
  switch (page.kind) {
    case 'completed':
      return { title: ja ? '本人確認が完了しました' : 'Verification complete', body: BACK[lang] };
    case 'failed':
      return {
        title: ja ? '本人確認を完了できませんでした' : 'Verification not completed',
        body: `${REASONS[page.reason][lang]} ${BACK[lang]}`,
      };
    case 'expired':
      return {
        title: ja ? '有効期限切れです' : 'This QR code has expired',
        body: ja
          ? '元の画面で新しいQRコードを表示してください。'
          : 'Show a new QR code on the other screen.',
      };
    case 'already':
      return { title: ja ? 'この手続きは処理済みです' : 'Already handled', body: BACK[lang] };
    case 'invalid':
      return {
        title: ja ? 'このリンクは無効です' : 'This link is not valid',
        body: ja
          ? 'リンクが正しくないか、有効期限が切れています。元の画面からやり直してください。'
          : 'The link is wrong or has expired. Start again from the other screen.',
      };
  }
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d1f23;--muted:#50555d;--ok:#0a7a32;--bad:#b3261e}
@media (prefers-color-scheme:dark){:root{--bg:#16181c;--card:#23262b;--fg:#f1f3f5;--muted:#b9bec6;--ok:#5fd38a;--bad:#ff8a80}}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,"Hiragino Sans","Noto Sans JP",sans-serif}
main{background:var(--card);border-radius:16px;padding:32px 24px;max-width:420px;margin:16px;text-align:center;box-shadow:0 2px 12px rgb(0 0 0/.08)}
.mark{font-size:40px;line-height:1;margin-bottom:8px}.ok .mark{color:var(--ok)}.bad .mark{color:var(--bad)}
h1{font-size:20px;margin:0 0 12px}p{margin:0 0 8px;color:var(--muted)}small{color:var(--muted)}`;

/**
 * The small page the phone lands on. No script, no external resource; the one
 * style block is allowed by a per-response CSP nonce.
 */
export function callbackPage(
  page: PageKind,
  lang: Lang,
  requestId: string,
  status: number,
): Response {
  const { title, body } = textOf(page, lang);
  const good = page.kind === 'completed' || page.kind === 'already';
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main class="${good ? 'ok' : 'bad'}" data-outcome="${page.kind}"><div class="mark" aria-hidden="true">${good ? '✓' : '!'}</div>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><small>${lang === 'ja' ? 'お問い合わせ番号' : 'Reference'}: ${escapeHtml(requestId)}</small></main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The URL carried a token: keep it out of any onward Referer.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
