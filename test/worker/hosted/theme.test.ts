import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { cspOf, hostedSession, pathOf, withSettings } from './support';

const THEME = {
  HOSTED_PAGE_NAME: 'Café <Tokyo> & "Co"',
  HOSTED_PAGE_LOGO_URL: 'https://cdn.shop.example/logo.png',
  HOSTED_PAGE_COLOR: '#FC0',
};

describe('the hosted page theme (HOSTED_PAGE_*)', () => {
  it("shows the shop's name and logo, and its colour with readable text on it", async () => {
    const { url } = await hostedSession({ lang: 'en' });
    const response = await withSettings(THEME, pathOf(url));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<p class="shop">Café &#60;Tokyo&#62; &#38; &#34;Co&#34;</p>');
    expect(page).toContain('<title>Verify with PayPay | Café &#60;Tokyo&#62;');
    expect(page).not.toContain('<Tokyo>');
    expect(page).toContain('<img src="https://cdn.shop.example/logo.png" alt="" width="40">');
    // #FC0 is light: black text on it.
    expect(page).toContain('--kyc-passport-accent:#ffcc00;--kyc-passport-accent-text:#000');
    expect(cspOf(response).get('img-src')).toBe('https://cdn.shop.example');
  });

  it('puts white text on a dark colour', async () => {
    const { url } = await hostedSession();
    const page = await (await withSettings({ HOSTED_PAGE_COLOR: '#1a237e' }, pathOf(url))).text();
    expect(page).toContain('--kyc-passport-accent:#1a237e;--kyc-passport-accent-text:#fff');
  });

  it("names the return URL's host when HOSTED_PAGE_NAME is unset", async () => {
    const { url } = await hostedSession({ lang: 'en' });
    const page = await (await withSettings({}, pathOf(url))).text();
    expect(page).toContain('<p class="shop">shop.example</p>');
    expect(page).not.toContain('<img');
  });

  it.each([
    ['HOSTED_PAGE_COLOR', 'red'],
    ['HOSTED_PAGE_COLOR', '#12345'],
    ['HOSTED_PAGE_COLOR', '#123456;background:url(x)'],
    ['HOSTED_PAGE_LOGO_URL', 'http://cdn.shop.example/logo.png'],
    ['HOSTED_PAGE_LOGO_URL', 'javascript:alert(1)'],
    ['HOSTED_PAGE_LOGO_URL', 'logo.png'],
    ['HOSTED_PAGE_NAME', 'x'.repeat(61)],
    ['HOSTED_PAGE_NAME', 'two\nlines'],
  ])('answers a malformed %s with a 503 page, naming no value', async (setting, value) => {
    const { url } = await hostedSession({ lang: 'en' });
    const response = await withSettings({ [setting]: value }, pathOf(url));
    expect(response.status).toBe(503);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('data-page="unavailable"');
    expect(page).not.toContain(value);
    const problems = parseConfig({ [setting]: value }).problems.map((p) => p.setting);
    expect(problems).toContain(setting);
  });

  it('takes a plain-http logo on loopback in development only, with a warning', () => {
    const settings = {
      ENVIRONMENT: 'development',
      HOSTED_PAGE_LOGO_URL: 'http://127.0.0.1:9/l.png',
    };
    const development = parseConfig(settings, '127.0.0.1');
    expect(development.hostedPage.logoUrl).toBe('http://127.0.0.1:9/l.png');
    expect(development.warnings.map((w) => w.setting)).toContain('HOSTED_PAGE_LOGO_URL');
    const production = parseConfig(settings, 'kyc.example');
    expect(production.problems.map((p) => p.setting)).toContain('HOSTED_PAGE_LOGO_URL');
  });

  it('reads unset settings as a plain page, with no problem', () => {
    const config = parseConfig({});
    expect(config.hostedPage).toEqual({ name: null, logoUrl: null, color: null });
    expect(config.problems.map((p) => p.setting).filter((s) => s.startsWith('HOSTED'))).toEqual([]);
  });
});
