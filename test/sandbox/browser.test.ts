import { describe, expect, it } from 'vitest';
import { browserName } from '../../sandbox/browser';
import { adminJson, registerMerchant } from './support';
import { createQr } from './qr-flow';

describe('the phone page says which browser PayPay reopens', () => {
  const ANDROID_CHROME =
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
  it.each([
    [ANDROID_CHROME, 'Chrome on Android'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
      'Chrome on iOS',
    ],
    ['Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0', 'Firefox on Android'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      'Samsung Internet on Android',
    ],
    ['curl/8.5.0', null],
  ])('%s is %s', (ua, name) => {
    expect(browserName(ua)).toBe(name);
  });

  async function reopens(overrides: Record<string, unknown>): Promise<string> {
    const merchant = await registerMerchant();
    const qr = await createQr(merchant, overrides);
    const html = await (await fetch(String(qr.data?.linkQRCodeURL))).text();
    const session = await adminJson(merchant, 'GET', `/sessions/${String(qr.data?.codeId)}`);
    expect(session.body.userAgent).toBe(overrides.userAgent);
    return /data-field="reopens">(.*?)<\/dd>/.exec(html)?.[1] ?? '';
  }

  it('names the browser of a WEB_LINK QR, in Japanese and English', async () => {
    const text = await reopens({ userAgent: ANDROID_CHROME });
    expect(text).toContain('PayPay would reopen: Chrome on Android');
    expect(text).toContain('PayPay が開き直すブラウザ: Chrome on Android');
  });

  it('falls back for an unknown User-Agent, escaped', async () => {
    const text = await reopens({ userAgent: '<script>alert(1)</script>' });
    expect(text).toContain('PayPay would reopen: the browser that sent this User-Agent');
    expect(text).not.toContain('<script>');
  });

  it.each([
    [
      { redirectType: 'APP_DEEP_LINK', redirectUrl: 'myshop://kyc', userAgent: ANDROID_CHROME },
      'merchant&#39;s app',
    ],
    [{}, 'default browser'],
  ])('says where PayPay goes otherwise (%j)', async (overrides, words) => {
    expect(await reopens(overrides)).toContain(words);
  });
});
