import { afterAll, describe, expect, it } from 'vitest';
import { setQrLifetime } from '../../scripts/lib/sandbox-client.mjs';
import {
  fileBrowser,
  openApiProblems,
  openDemo,
  phoneByFetch,
  qrUrlOn,
  sandbox,
  stack,
  waitForState,
} from './support';

/** How long the sandbox's QRs live (its webhook URLs are kept). */
async function qrLifetime(seconds: number): Promise<void> {
  expect((await setQrLifetime(stack().sandboxUrl, seconds)).status).toBe(200);
}

const browser = fileBrowser();
// These journeys' answers were checked against docs/openapi.json by the
// document's test when they were part of journeys.test.ts: still checked here.
afterAll(() => {
  expect(openApiProblems()).toEqual([]);
});

describe('recovery', () => {
  it('expiry, then a new QR, then success', async () => {
    await qrLifetime(3);
    try {
      const { context, page } = await openDemo(browser());
      await page.evaluate(() =>
        document.querySelector('paypay-kyc-passport')!.removeAttribute('auto-refresh'),
      );
      await waitForState(page, 'expired', 10_000);
      await qrLifetime(300);
      await page.evaluate(() =>
        document
          .querySelector('paypay-kyc-passport')!
          .shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!
          .click(),
      );
      await waitForState(page, 'qr');
      await phoneByFetch(await qrUrlOn(page), 'complete');
      await waitForState(page, 'completed');
      await context.close();
    } finally {
      await qrLifetime(300);
    }
  });

  it('PayPay answers 503 on create: error state, then the retry succeeds once PayPay is back', async () => {
    await sandbox('PUT', '/faults', { operation: 'createQr', fault: 'maintenance' });
    try {
      const { context, page } = await openDemo(browser());
      await waitForState(page, 'error');
      expect(
        await page.locator('#events li[data-type="kyc-passport-error"]').first().innerText(),
      ).toContain('PAYPAY_UNAVAILABLE');
      await sandbox('DELETE', '/faults');
      // The element backs off 2 s doubling to 30 s; on a loaded machine the Worker's
      // own three tries push it a step further, so the next one may be 30 s away.
      await waitForState(page, 'qr', 45_000);
      await context.close();
    } finally {
      await sandbox('DELETE', '/faults');
    }
  });
});
