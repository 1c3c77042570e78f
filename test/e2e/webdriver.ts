import type { Browser } from 'webdriverio';
import { qrUrlInPage, stateInPage } from './support';

// The element through webdriverio (the WebKit engines), as support.ts reads it
// through Playwright: the same in-page functions, so every engine is read alike.

/** The first element's state; '' before it renders. */
export function stateIn(browser: Browser): Promise<string> {
  return browser.execute(stateInPage);
}

/** Waits for the element to reach `wanted`, saying where it stopped when it does not. */
export async function waitForStateIn(
  browser: Browser,
  wanted: string,
  timeout = 20_000,
): Promise<void> {
  await browser.waitUntil(async () => (await stateIn(browser)) === wanted, {
    timeout,
    timeoutMsg: `the element did not reach "${wanted}" (it is "${await stateIn(browser)}")`,
  });
}

/** The QR's URL, from its accessible name or the Open PayPay link. */
export function qrUrlIn(browser: Browser): Promise<string> {
  return browser.execute(qrUrlInPage);
}
