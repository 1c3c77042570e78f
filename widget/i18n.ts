import type { FailureReason, Lang } from '../shared/wire';

/** Every sentence the element can show, in Japanese and English. */
export interface Strings {
  title: string;
  creating: string;
  scanQr: string;
  scanHint: string;
  openPayPay: string;
  openHint: string;
  showQr: string;
  hideQr: string;
  expiresIn: (seconds: number) => string;
  qrLabel: (url: string) => string;
  authorized: string;
  authorizedHint: string;
  completed: string;
  completedHint: string;
  failed: string;
  expired: string;
  expiredHint: string;
  newQr: string;
  retry: string;
  start: string;
  error: string;
  offline: string;
  retrying: (seconds: number) => string;
  reference: (requestId: string) => string;
  reasons: Record<FailureReason, string>;
  errors: Record<string, string>;
}

const ja: Strings = {
  title: 'PayPayで本人確認',
  creating: 'QRコードを準備しています…',
  scanQr: 'PayPayアプリでQRコードを読み取ってください',
  scanHint: 'アプリのスキャン画面から読み取ると、本人確認情報の共有に進みます。',
  openPayPay: 'PayPayを開く',
  openHint: 'PayPayアプリで本人確認情報の共有を承認してください。',
  showQr: 'QRコードを表示',
  hideQr: 'QRコードを隠す',
  expiresIn: (s) => `有効期限まで ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`,
  qrLabel: (url) => `PayPayで読み取るQRコード（${url}）`,
  authorized: '承認を確認しました',
  authorizedHint: '本人確認情報を受け取っています。このままお待ちください。',
  completed: '本人確認が完了しました',
  completedHint: 'ご協力ありがとうございました。',
  failed: '本人確認を完了できませんでした',
  expired: 'QRコードの有効期限が切れました',
  expiredHint: '新しいQRコードを表示して、もう一度お試しください。',
  newQr: '新しいQRコードを表示',
  retry: 'もう一度試す',
  start: '本人確認を始める',
  error: '接続できませんでした',
  offline: 'インターネットに接続されていないようです。',
  retrying: (s) => `${s}秒後に再接続します…`,
  reference: (id) => `お問い合わせ番号: ${id}`,
  reasons: {
    declined: 'PayPayアプリで共有がキャンセルされました。',
    bad_request: 'PayPayとの連携を完了できませんでした。もう一度お試しください。',
    KYC_PASSPORT_NOT_COMPLETED:
      'PayPayで本人確認（KYCパスポート）が完了していません。アプリで本人確認を済ませてから、もう一度お試しください。',
    UNACCEPTABLE_OP: '現在このアカウントでは本人確認情報を共有できません。',
    KYC_UPDATE_REQUIRED:
      'PayPayで本人確認書類の更新が必要です。アプリで更新してから、もう一度お試しください。',
    CANCELED_USER: 'このPayPayアカウントは解約されています。',
    USER_STATE_IS_NOT_ACTIVE: 'このPayPayアカウントは現在ご利用いただけません。',
    SESSION_NOT_FOUND: 'QRコードの有効期限が切れました。',
    KYC_DATA_MISMATCH: 'ご登録の情報とPayPayの本人確認情報が一致しませんでした。',
    PAYPAY_UNAVAILABLE: 'PayPayに接続できませんでした。しばらくしてからお試しください。',
    PAYPAY_ERROR: 'PayPayとの連携中にエラーが発生しました。',
    KYC_METHOD_NOT_ACCEPTED: 'この本人確認の方法はご利用いただけません。',
  },
  errors: {
    NETWORK_ERROR: 'サーバーに接続できませんでした。',
    ORIGIN_NOT_ALLOWED: 'このサイトからは本人確認を開始できません（設定をご確認ください）。',
    PUBLIC_SESSIONS_DISABLED: 'このサイトからは本人確認を開始できません（設定をご確認ください）。',
    CLAIM_NOT_ALLOWED: 'このサイトからは本人確認を開始できません（設定をご確認ください）。',
    RATE_LIMITED: 'アクセスが集中しています。少し待ってからお試しください。',
    PAYPAY_UNAVAILABLE: 'PayPayに接続できませんでした。しばらくしてからお試しください。',
    PAYPAY_OUTCOME_UNKNOWN: 'PayPayとの通信が完了しませんでした。もう一度お試しください。',
    PAYPAY_REJECTED: 'PayPayとの連携でエラーが発生しました。',
    SESSION_NOT_FOUND: '本人確認の手続きが見つかりませんでした。もう一度お試しください。',
    PROVIDER_ERROR: 'お店のサーバーで手続きを開始できませんでした。',
    INVALID_CONFIG: 'この部品の設定が正しくありません（endpoint属性をご確認ください）。',
    INTERNAL_ERROR: 'エラーが発生しました。しばらくしてからお試しください。',
    default: 'エラーが発生しました。しばらくしてからお試しください。',
  },
};

const en: Strings = {
  title: 'Verify with PayPay',
  creating: 'Preparing your QR code…',
  scanQr: 'Scan the QR code with the PayPay app',
  scanHint: 'Open the scanner in PayPay; you will be asked to share your verified identity.',
  openPayPay: 'Open PayPay',
  openHint: 'Approve sharing your verified identity in the PayPay app.',
  showQr: 'Show QR code',
  hideQr: 'Hide QR code',
  expiresIn: (s) => `Expires in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`,
  qrLabel: (url) => `QR code to scan with PayPay (${url})`,
  authorized: 'Approved in PayPay',
  authorizedHint: 'Receiving your verified identity. Please wait.',
  completed: 'Verification complete',
  completedHint: 'Thank you.',
  failed: 'Verification not completed',
  expired: 'This QR code has expired',
  expiredHint: 'Show a new QR code and try again.',
  newQr: 'Show a new QR code',
  retry: 'Try again',
  start: 'Start verification',
  error: 'Could not connect',
  offline: 'You seem to be offline.',
  retrying: (s) => `Reconnecting in ${s} s…`,
  reference: (id) => `Reference: ${id}`,
  reasons: {
    declined: 'Sharing was cancelled in the PayPay app.',
    bad_request: 'PayPay could not complete the request. Please try again.',
    KYC_PASSPORT_NOT_COMPLETED:
      'Identity verification (KYC Passport) is not complete in PayPay. Finish it in the app, then try again.',
    UNACCEPTABLE_OP: 'Identity information cannot be shared from this account right now.',
    KYC_UPDATE_REQUIRED:
      'Your identity documents need updating in PayPay. Update them in the app, then try again.',
    CANCELED_USER: 'This PayPay account has been closed.',
    USER_STATE_IS_NOT_ACTIVE: 'This PayPay account is not active.',
    SESSION_NOT_FOUND: 'The QR code has expired.',
    KYC_DATA_MISMATCH: 'Your details did not match the identity verified by PayPay.',
    PAYPAY_UNAVAILABLE: 'PayPay could not be reached. Please try again shortly.',
    PAYPAY_ERROR: 'Something went wrong while talking to PayPay.',
    KYC_METHOD_NOT_ACCEPTED: 'This service does not accept how PayPay verified you.',
  },
  errors: {
    NETWORK_ERROR: 'The server could not be reached.',
    ORIGIN_NOT_ALLOWED: 'Verification cannot start from this site (check the configuration).',
    PUBLIC_SESSIONS_DISABLED: 'Verification cannot start from this site (check the configuration).',
    CLAIM_NOT_ALLOWED: 'Verification cannot start from this site (check the configuration).',
    RATE_LIMITED: 'Too many attempts. Please wait a moment and try again.',
    PAYPAY_UNAVAILABLE: 'PayPay could not be reached. Please try again shortly.',
    PAYPAY_OUTCOME_UNKNOWN: 'The request to PayPay did not finish. Please try again.',
    PAYPAY_REJECTED: 'PayPay refused the request.',
    SESSION_NOT_FOUND: 'The verification could not be found. Please try again.',
    PROVIDER_ERROR: "The shop's server could not start the verification.",
    INVALID_CONFIG: 'This element is not configured correctly (check the endpoint attribute).',
    INTERNAL_ERROR: 'Something went wrong. Please try again shortly.',
    default: 'Something went wrong. Please try again shortly.',
  },
};

const STRINGS: Record<Lang, Strings> = { ja, en };

/** The strings of a language. */
export function stringsFor(lang: Lang): Strings {
  return STRINGS[lang];
}

/** The text of an error code, falling back to a generic sentence. */
export function errorText(strings: Strings, code: string): string {
  return (
    strings.errors[code] ??
    (code.startsWith('CONFIG_') ? strings.errors.INVALID_CONFIG! : strings.errors.default!)
  );
}

/**
 * The language to speak: the `lang` attribute, else the page's `<html lang>`,
 * else the browser's.
 */
export function resolveLang(
  attribute: string | undefined,
  documentLang: string,
  navigatorLang: string,
): Lang {
  for (const candidate of [attribute, documentLang, navigatorLang]) {
    const code = (candidate ?? '').toLowerCase();
    if (code.startsWith('ja')) return 'ja';
    if (code.startsWith('en')) return 'en';
  }
  // Someone whose languages are neither reads English more likely than Japanese.
  return navigatorLang ? 'en' : 'ja';
}
