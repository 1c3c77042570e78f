import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'webdriverio';
import { enginePackages, hasEngine, openWebKit } from '../../scripts/lib/webkit.mjs';
import { styleHash } from '../../scripts/lib/style-hash.mjs';
import { root } from './installed';
import { phoneByFetch, stack } from './support';
import { qrUrlIn, waitForStateIn } from './webdriver';

// iPhones that cannot update past iOS 15, or stayed on 16.0 to 16.3, run a Safari
// that parses no class static blocks: built for es2022, the classic script was one
// SyntaxError there and the customer saw nothing. WPE WebKit 2.38 (Debian's `cog`)
// is about Safari 16.0; the demo page, which loads the classic script as a
// merchant's page does, must take a customer through a verification in it.

let wpe: { browser: Browser; close: () => Promise<void> } | undefined;

beforeAll(async () => {
  if (!hasEngine('wpe'))
    throw new Error(`WPE WebKit is missing: apt-get install -y ${enginePackages.wpe}`);
  wpe = await openWebKit('wpe');
}, 60_000);
afterAll(async () => {
  await wpe?.close();
});

const browser = () => wpe!.browser;

const waitForState = (wanted: string) => waitForStateIn(browser(), wanted);

/** The element as this engine draws it, for the README's pictures (.cache/engines/, like the other engines). */
async function shoot(state: string): Promise<void> {
  mkdirSync(join(root, '.cache/engines'), { recursive: true });
  const file = join(root, `.cache/engines/wpe-${state}.png`);
  // The headless window stays 800x600 and the shot is cut at its edge: card to the top.
  await browser().execute(() => document.querySelector('paypay-kyc-passport')!.scrollIntoView());
  await browser().$('paypay-kyc-passport').saveScreenshot(file);
  expect(statSync(file).size).toBeGreaterThan(1000);
}

describe('an iPhone on iOS 16.0 (WPE WebKit 2.38)', () => {
  it('is an engine older than Safari 16.4, so the proof means something', async () => {
    const agent = await browser().execute(() => navigator.userAgent);
    const version = Number(/Version\/(\d+\.\d+)/.exec(agent)?.[1]);
    expect(version, agent).toBeLessThan(16.4);
  });

  it('loads the classic script and completes a verification on the demo page', async () => {
    await browser().url(`${stack().demoUrl}/`);
    await waitForState('qr');
    await shoot('qr');
    // A script this engine cannot parse shows as an undefined element, not an error event.
    expect(
      await browser().execute(() => customElements.get('paypay-kyc-passport') !== undefined),
    ).toBe(true);

    const qrUrl = await qrUrlIn(browser());
    expect(qrUrl.startsWith(stack().sandboxUrl)).toBe(true);
    await phoneByFetch(qrUrl, 'complete');

    await waitForState('completed');
    await shoot('completed');
    await browser().waitUntil(
      () => browser().execute(() => document.getElementById('server')?.dataset.status === '200'),
      { timeout: 20_000, timeoutMsg: "the demo's server did not exchange the result token" },
    );
    const server = await browser().execute(() => document.getElementById('server')!.textContent!);
    expect(JSON.parse(server.replace(/^HTTP 200\n/, ''))).toMatchObject({
      mode: 'public',
      kyc: { kycStatus: 'COMPLETED' },
    });
  });

  it('draws the card in its colours although this engine has no light-dark()', async () => {
    const seen = await browser().execute(() => {
      const root = document.querySelector('paypay-kyc-passport')!.shadowRoot!;
      const card = getComputedStyle(root.querySelector('[part~="card"]')!);
      return {
        lightDark: CSS.supports('color', 'light-dark(#000, #fff)'),
        background: card.backgroundColor,
        colour: card.color,
      };
    });
    expect(seen.lightDark).toBe(false);
    // The light palette's --kyc-passport-bg and --kyc-passport-fg, not transparent and black.
    expect(seen).toMatchObject({ background: 'rgb(255, 255, 255)', colour: 'rgb(29, 31, 35)' });
  });

  it("styles it with a <style> whose hash is the one the build prints for the page's CSP", async () => {
    const styles = await browser().execute(() =>
      [...document.querySelector('paypay-kyc-passport')!.shadowRoot!.querySelectorAll('style')].map(
        (style) => style.textContent ?? '',
      ),
    );
    // No adoptedStyleSheets before Safari 16.4: the one stylesheet is an element.
    expect(styles).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(styles[0]!, 'utf8').digest('base64')}'`;
    expect(hash).toBe(styleHash(join(root, 'dist/paypay-kyc-passport.iife.js')));
  });

  it('finds in docs/embedding.md the hash of this build', () => {
    const docs = readFileSync(join(root, 'docs/embedding.md'), 'utf8');
    expect(docs).toContain(
      `style-src 'self' ${styleHash(join(root, 'dist/paypay-kyc-passport.iife.js'))};`,
    );
  });
});
