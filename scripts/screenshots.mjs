/* global document -- the page callbacks below run in the browser */
// `npm run screenshots`: pictures of every state of the element, light and dark,
// taken from the demo page in headless Chromium against the local stack.
// Written to docs/screenshots/ (committed; the README shows them).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { playPhone, sandboxAdmin, setQrLifetime } from './lib/sandbox-client.mjs';
import { startStack } from './lib/stack.mjs';
import { chromiumArgs, chromiumPath } from './lib/chromium.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const stack = await startStack({
  log: () => {},
  persistTo: join(root, '.wrangler', 'screenshots'),
  workerOverrides: { SESSION_RATE_LIMIT_PER_MINUTE: '1000' },
});
const admin = (method, path, body) => sandboxAdmin(stack.sandboxUrl, method, path, body);
const lifetime = (seconds) => setQrLifetime(stack.sandboxUrl, seconds);
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: chromiumArgs,
});

const phone = (qrUrl, outcome) => playPhone(qrUrl, outcome);

/** Opens the demo in `scheme`, lets `prepare` bring the element to `state`, screenshots it. */
async function shoot(name, scheme, state, prepare, contextOptions = {}) {
  const context = await browser.newContext({
    colorScheme: scheme,
    viewport: { width: 1100, height: 900 },
    deviceScaleFactor: 2,
    ...contextOptions,
  });
  const page = await context.newPage();
  await page.goto(`${stack.demoUrl}/`);
  await page.selectOption('#theme', scheme);
  const el = page.locator('#kyc');
  await el.evaluate((node) => {
    node.removeAttribute('auto-refresh');
    node.setAttribute('lang', 'ja');
  });
  await prepare(page, el);
  await page.waitForFunction(
    (s) =>
      document.querySelector('paypay-kyc-passport')?.shadowRoot?.querySelector('[part~="card"]')
        ?.dataset.state === s,
    state,
    { timeout: 15_000 },
  );
  await page.waitForTimeout(150);
  await el.screenshot({ path: join(out, `${name}-${scheme}.png`), animations: 'disabled' });
  await context.close();
  console.log(`docs/screenshots/${name}-${scheme}.png`);
}

const qrUrlOf = (el) =>
  el.evaluate((node) => {
    const root = node.shadowRoot;
    return (
      root.querySelector('[part~="open-button"]')?.href ??
      /(https?:[^)）\s]+)/.exec(root.querySelector('[part~="qr"]').getAttribute('aria-label'))[1]
    );
  });
const ready = (page) =>
  page.waitForFunction(() =>
    document
      .querySelector('paypay-kyc-passport')
      ?.shadowRoot?.querySelector('[part~="qr"], [part~="open-button"]'),
  );

/**
 * The whole demo page after both verifications completed: the full one and the
 * age-only one side by side, each with what the shop's server received.
 */
async function shootFlow() {
  const context = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1200, height: 1100 },
  });
  const page = await context.newPage();
  await page.goto(`${stack.demoUrl}/`);
  await ready(page);
  await phone(await qrUrlOf(page.locator('#kyc')), 'complete');
  await page.locator('#server[data-status="200"]').waitFor();
  const age = page.locator('#kyc-age');
  await age.evaluate((node) => void node.start());
  await page.waitForFunction(() =>
    document
      .getElementById('kyc-age')
      ?.shadowRoot?.querySelector('[part~="qr"], [part~="open-button"]'),
  );
  await phone(await qrUrlOf(age), 'complete');
  await page.locator('#server-age[data-status="200"]').waitFor();
  await page.locator('#receipt-age[data-verified="true"]').waitFor();
  await page.screenshot({ path: join(out, 'flow.png') });
  await context.close();
  console.log('docs/screenshots/flow.png');
}

try {
  await shootFlow();
  for (const scheme of ['light', 'dark']) {
    await shoot('qr', scheme, 'qr', ready);
    await shoot('button', scheme, 'qr', ready, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await shoot('idle', scheme, 'idle', (_page, el) => el.evaluate((node) => node.reset()));
    await shoot('creating', scheme, 'creating', async (_page, el) => {
      await admin('PUT', '/faults', {
        operation: 'createQr',
        fault: 'latency',
        latencyMs: 4000,
        times: 1,
      });
      await el.evaluate((node) => void node.start());
    });
    await shoot('authorized', scheme, 'authorized', async (page, el) => {
      await ready(page);
      await admin('PUT', '/faults', {
        operation: 'fetchCompletedKyc',
        fault: 'latency',
        latencyMs: 4000,
        times: 1,
      });
      void phone(await qrUrlOf(el), 'complete');
    });
    await admin('DELETE', '/faults');
    await shoot('completed', scheme, 'completed', async (page, el) => {
      await ready(page);
      await phone(await qrUrlOf(el), 'complete');
    });
    await shoot('failed', scheme, 'failed', async (page, el) => {
      await ready(page);
      await phone(await qrUrlOf(el), 'kyc_update_required');
    });
    await lifetime(2);
    await shoot('expired', scheme, 'expired', async (_page, el) =>
      el.evaluate((node) => void node.start()),
    );
    await lifetime(300);
    await admin('PUT', '/faults', { operation: 'createQr', fault: 'maintenance' });
    await shoot('error', scheme, 'error', async (_page, el) =>
      el.evaluate((node) => void node.start()),
    );
    await admin('DELETE', '/faults');
  }
} finally {
  await browser.close();
  await stack.stop();
}
