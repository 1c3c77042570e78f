import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { enginePackages, hasEngine, openWebKit } from '../../scripts/lib/webkit.mjs';
import { qrUrlIn, waitForStateIn } from './webdriver';
import { setQrLifetime } from '../../scripts/lib/sandbox-client.mjs';
import {
  api,
  fileBrowser,
  merchant,
  openApiProblems,
  phoneByFetch,
  qrUrlOn,
  recordPage,
  stack,
  waitForState,
} from './support';
import { startShop, type ShopRequest } from './hosted-shop';

// A shop that cannot run our script: its server creates the session with a
// returnUrl, the customer's browser opens the hosted page (`url`), approves on
// the phone, and lands back on the shop by a form POST that carries the token.

const browser = fileBrowser();
let shop: Awaited<ReturnType<typeof startShop>>;
beforeAll(async () => {
  shop = await startShop(stack().shopUrl);
});
afterAll(async () => {
  await shop.close();
  // Every answer of the Worker in this file, the hosted page's included, is documented.
  expect(openApiProblems()).toEqual([]);
});

/** The shop's server creates a hosted session: its id and the page to send the customer to. */
async function createHosted(order: string): Promise<{ sessionId: string; url: string }> {
  const created = await api('/v1/sessions', {
    method: 'POST',
    headers: { ...merchant(), 'Content-Type': 'application/json' },
    body: JSON.stringify({
      referenceId: `shop-${order}`,
      returnUrl: `${stack().shopUrl}/kyc/return?order=${order}`,
      lang: 'en',
    }),
  });
  expect(created.status).toBe(201);
  const session = created.json() as { sessionId: string; url: string };
  expect(session.url).toBe(`${stack().workerUrl}/verify/${session.sessionId}`);
  return session;
}

/** What the shop received at its return URL for `order`, once. */
function returned(order: string): ShopRequest {
  const seen = shop.requests.filter((r) => r.url === `/kyc/return?order=${order}`);
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

/** Exchanges a token as the shop's server does: the verified answer. */
async function exchanged(resultToken: string): Promise<{ status: number; referenceId: string }> {
  const answer = await api('/v1/results/exchange', {
    method: 'POST',
    headers: { ...merchant(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ resultToken }),
  });
  return { status: answer.status, ...(answer.json() as { referenceId: string }) };
}

/** Every URL a Chromium page asked for or was sent to. */
function urlsOf(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('framenavigated', (frame) => urls.push(frame.url()));
  return urls;
}

describe('the hosted page in Chromium', () => {
  it('verifies and POSTs the token back to the shop, never in a URL', async () => {
    const { sessionId, url } = await createHosted('c1');
    const context = await browser().newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    recordPage(page);
    const urls = urlsOf(page);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(url);
    await waitForState(page, 'qr');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await phoneByFetch(await qrUrlOn(page), 'complete');
    await page.waitForURL(`${stack().shopUrl}/kyc/return?order=c1`, { timeout: 20_000 });
    expect(await page.locator('#back').getAttribute('data-status')).toBe('completed');

    const post = returned('c1');
    expect(post.method).toBe('POST');
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    const fields = new URLSearchParams(post.body);
    expect(fields.get('status')).toBe('completed');
    expect(fields.get('sessionId')).toBe(sessionId);
    const resultToken = fields.get('resultToken')!;
    expect(resultToken).toMatch(/^rt1\./);
    expect(fields.has('reason')).toBe(false);
    // The token went in the body only: no URL the browser asked for or showed holds it.
    expect(urls.filter((u) => u.includes(resultToken) || u.includes('resultToken'))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
    expect(await exchanged(resultToken)).toMatchObject({ status: 200, referenceId: 'shop-c1' });
    // Exchanged: the page is gone.
    expect((await api(`/verify/${sessionId}`)).status).toBe(410);
  });

  it('sends the customer back with status and reason, and no token, when declined', async () => {
    const { sessionId, url } = await createHosted('c2');
    const context = await browser().newContext();
    const page = await context.newPage();
    recordPage(page);
    await page.goto(url);
    await waitForState(page, 'qr');
    await phoneByFetch(await qrUrlOn(page), 'decline');
    await page.waitForURL(`${stack().shopUrl}/kyc/return?order=c2`, { timeout: 20_000 });
    const fields = new URLSearchParams(returned('c2').body);
    expect(Object.fromEntries(fields)).toEqual({ sessionId, status: 'failed', reason: 'declined' });
    // Opened again later, the page sends the customer straight back, the same way.
    await page.goto(url);
    await page.waitForURL(`${stack().shopUrl}/kyc/return?order=c2`, { timeout: 20_000 });
    expect(shop.requests.filter((r) => r.url === '/kyc/return?order=c2')).toHaveLength(2);
    await context.close();
  });

  it('sends the customer back with status=expired when the QR runs out', async () => {
    expect((await setQrLifetime(stack().sandboxUrl, 4)).status).toBe(200);
    try {
      const { sessionId, url } = await createHosted('c3');
      const context = await browser().newContext();
      const page = await context.newPage();
      recordPage(page);
      await page.goto(url);
      await waitForState(page, 'qr');
      await page.waitForURL(`${stack().shopUrl}/kyc/return?order=c3`, { timeout: 20_000 });
      const fields = Object.fromEntries(new URLSearchParams(returned('c3').body));
      expect(fields).toEqual({ sessionId, status: 'expired', reason: 'expired' });
      await context.close();
    } finally {
      // The sandbox's default: the other tests' QRs live long enough.
      expect((await setQrLifetime(stack().sandboxUrl, 300)).status).toBe(200);
    }
  });

  it('answers an unknown id with the 404 page', async () => {
    const answer = await api(`/verify/${'a'.repeat(64)}.${'b'.repeat(24)}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('data-page="notFound"');
  });
});

// WebKitGTK is today's Safari engine; WPE WebKit 2.38 is about Safari 16.0, which
// styles the element only through the page's nonce (`litNonce`, worker/hosted/glue.ts).
describe.each([
  ['webkit', 'WebKitGTK', 'w1'],
  ['wpe', 'WPE WebKit 2.38', 'w2'],
] as const)('the hosted page in %s (%s)', (engine, _name, order) => {
  it('verifies and POSTs the token back to the shop', async () => {
    if (!hasEngine(engine))
      throw new Error(`${engine} is missing: apt-get install -y ${enginePackages[engine]}`);
    const { sessionId, url } = await createHosted(order);
    const { browser: webkit, close } = await openWebKit(engine);
    try {
      await webkit.url(url);
      await waitForStateIn(webkit, 'qr');
      // Styled: the card's background is the palette's, not transparent.
      const background = await webkit.execute(
        () =>
          getComputedStyle(
            document
              .querySelector('paypay-kyc-passport')!
              .shadowRoot!.querySelector('[part~="card"]')!,
          ).backgroundColor,
      );
      expect(background).toBe('rgb(255, 255, 255)');
      await phoneByFetch(await qrUrlIn(webkit), 'complete');
      const back = `${stack().shopUrl}/kyc/return?order=${order}`;
      await webkit.waitUntil(async () => (await webkit.getUrl()) === back, { timeout: 20_000 });
      const fields = new URLSearchParams(returned(order).body);
      expect(fields.get('status')).toBe('completed');
      expect(fields.get('sessionId')).toBe(sessionId);
      expect(await webkit.getUrl()).not.toContain('rt1.');
      const resultToken = fields.get('resultToken')!;
      expect(await exchanged(resultToken)).toMatchObject({
        status: 200,
        referenceId: `shop-${order}`,
      });
    } finally {
      await close();
    }
  });
});
