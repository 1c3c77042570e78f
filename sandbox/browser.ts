import type { QrSession } from './types';

/**
 * Browsers by the token their User-Agent carries, most specific first: Edge and
 * Samsung Internet also say "Chrome" and "Safari", Chrome also says "Safari".
 */
const BROWSERS: [name: string, token: RegExp][] = [
  ['Edge', /\b(Edg|EdgA|EdgiOS)\//],
  ['Samsung Internet', /\bSamsungBrowser\//],
  ['Firefox', /\b(Firefox|FxiOS)\//],
  ['Chrome', /\b(Chrome|CriOS)\//],
  ['Safari', /\bVersion\/[\d.]+.*\bSafari\//],
];

/** Browsers built on Chrome that say so and are none of the above. */
const OTHER_CHROMIUM = /\b(OPR|OPiOS|YaBrowser|Vivaldi|UCBrowser|Line)\//;

const SYSTEMS: [name: string, token: RegExp][] = [
  ['Android', /\bAndroid\b/],
  ['iOS', /\b(iPhone|iPad|iPod)\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
];

/** "Chrome on Android", or null when the User-Agent names no browser we know. */
export function browserName(userAgent: string): string | null {
  if (OTHER_CHROMIUM.test(userAgent)) return null;
  const browser = BROWSERS.find(([, token]) => token.test(userAgent))?.[0];
  if (browser === undefined) return null;
  const system = SYSTEMS.find(([, token]) => token.test(userAgent))?.[0];
  return system === undefined ? browser : `${browser} on ${system}`;
}

/**
 * Where PayPay sends the user after the app, in Japanese and English. PayPay's
 * spec: with WEB_LINK and a userAgent, "on mobile devices PayPay tries to open
 * the browser that the merchant website is using".
 */
export function reopenText(session: QrSession): [ja: string, en: string] {
  if (session.redirectType === 'APP_DEEP_LINK') {
    return ['加盟店のアプリを開きます', "PayPay opens the merchant's app (APP_DEEP_LINK)"];
  }
  if (session.userAgent === undefined || session.userAgent === '') {
    return [
      '既定のブラウザを開きます（userAgent なし）',
      'PayPay opens the default browser (no userAgent was sent)',
    ];
  }
  const name = browserName(session.userAgent);
  return [
    `PayPay が開き直すブラウザ: ${name ?? 'この User-Agent のブラウザ'}`,
    `PayPay would reopen: ${name ?? 'the browser that sent this User-Agent'}`,
  ];
}
