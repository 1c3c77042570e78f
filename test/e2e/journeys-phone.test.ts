import { afterAll, describe, expect, it } from 'vitest';
import { fileBrowser, openApiProblems, openDemo, stack, waitForState } from './support';

const browser = fileBrowser();
// These journeys' answers were checked against docs/openapi.json by the
// document's test when they were part of journeys.test.ts: still checked here.
afterAll(() => {
  expect(openApiProblems()).toEqual([]);
});

describe('a customer on a phone', () => {
  it('taps Open PayPay, approves in "the app", and the shop page completes', async () => {
    const { context, page } = await openDemo(browser(), {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await waitForState(page, 'qr');
    const link = await page.evaluate(
      () =>
        document
          .querySelector('paypay-kyc-passport')!
          .shadowRoot!.querySelector<HTMLAnchorElement>('[part~="open-button"]')?.href,
    );
    expect(link).toBeTruthy();
    expect(
      await page.evaluate(() =>
        document.querySelector('paypay-kyc-passport')!.shadowRoot!.querySelector('[part~="qr"]'),
      ),
    ).toBeNull();
    // The PayPay app opens over the shop's tab; the shop's tab stays behind.
    const app = await context.newPage();
    await app.goto(link!);
    await app.click('button[data-outcome="complete"]');
    await app.waitForURL(`${stack().workerUrl}/v1/callback/done?**`);
    await app.close();
    await waitForState(page, 'completed');
    await page.locator('#server[data-status="200"]').waitFor();
    await context.close();
  });
});
