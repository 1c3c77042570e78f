import type { Lang } from '../../shared/wire';

/** Every sentence of the hosted pages, in Japanese and English; `shop` is the shop's name. */
export interface HostedText {
  title: string;
  lead: (shop: string) => string;
  noscript: (shop: string) => string;
  returning: (shop: string) => string;
  back: (shop: string) => string;
  /** The shop's name when HOSTED_PAGE_NAME is unset and no return host is known. */
  someShop: string;
  notFound: { title: string; body: string };
  gone: { title: string; body: string };
  unavailable: { title: string; body: string };
  reference: string;
}

const ja: HostedText = {
  title: 'PayPayで本人確認',
  lead: (shop) => `PayPayアプリで本人確認情報の共有を承認すると、${shop}に戻ります。`,
  noscript: (shop) =>
    `このページはQRコードの表示にJavaScriptを使います。JavaScriptを有効にしてこのページを再読み込みするか、${shop}に戻って別の方法をお選びください。`,
  returning: (shop) => `${shop}に戻っています…`,
  back: (shop) => `${shop}に戻る`,
  someShop: 'ショップ',
  notFound: {
    title: 'このリンクは無効です',
    body: 'リンクが正しくないか、使えなくなっています。お店のページからやり直してください。',
  },
  gone: {
    title: 'この本人確認は完了しています',
    body: 'この手続きはすでに済んでいます。お店のページに戻ってください。',
  },
  unavailable: {
    title: 'ただいまご利用いただけません',
    body: 'しばらくしてからお店のページからやり直してください。',
  },
  reference: 'お問い合わせ番号',
};

const en: HostedText = {
  title: 'Verify with PayPay',
  lead: (shop) =>
    `Approve sharing your identity in the PayPay app and you will be taken back to ${shop}.`,
  noscript: (shop) =>
    `This page needs JavaScript to show the PayPay QR code. Turn JavaScript on and reload this page, or go back to ${shop} and choose another way.`,
  returning: (shop) => `Taking you back to ${shop}…`,
  back: (shop) => `Back to ${shop}`,
  someShop: 'the shop',
  notFound: {
    title: 'This link is not valid',
    body: "The link is wrong or no longer works. Start again from the shop's page.",
  },
  gone: {
    title: 'This verification is finished',
    body: "It has already been completed. Go back to the shop's page.",
  },
  unavailable: {
    title: 'Verification is unavailable',
    body: "Please try again shortly from the shop's page.",
  },
  reference: 'Reference',
};

export function hostedText(lang: Lang): HostedText {
  return lang === 'ja' ? ja : en;
}
