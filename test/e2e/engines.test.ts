import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import { launchFirefox, openWebKit } from '../../scripts/lib/webkit.mjs';
import {
  api,
  feedEvents,
  launch,
  merchant,
  openApiProblems,
  phoneByFetch,
  sandbox,
  stack,
} from './support';

// One verification, start to end, in each engine a customer's phone or desktop
// may run: Chromium (Playwright), Firefox ESR (puppeteer over WebDriver BiDi) and
// WebKitGTK (webdriverio over classic WebDriver). Each test drives its engine
// through the same four calls, so the steps below are one code for all three.

/** What the steps need of a browser, whatever drives it. */
interface Driven {
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page and resolves with its JSON-able result. */
  run<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** A PNG of the element, taken by the engine itself. */
  shot(): Promise<Buffer>;
  close(): Promise<void>;
}

const SIZE = { width: 800, height: 900 };

async function chromium(): Promise<Driven> {
  const browser = await launch();
  const page = await browser.newPage({ viewport: SIZE });
  return {
    goto: async (url) => void (await page.goto(url)),
    run: (fn, arg) => page.evaluate(fn as never, arg) as never,
    shot: () => page.locator('paypay-kyc-passport').screenshot(),
    close: () => browser.close(),
  };
}

async function firefox(): Promise<Driven> {
  const browser = await launchFirefox();
  const page = await browser.newPage();
  await page.setViewport(SIZE);
  return {
    goto: async (url) => void (await page.goto(url)),
    run: (fn, arg) => page.evaluate(fn as never, arg) as never,
    shot: async () => {
      const element = await page.$('paypay-kyc-passport');
      return Buffer.from(await element!.screenshot());
    },
    close: () => browser.close(),
  };
}

async function webkit(): Promise<Driven> {
  const { browser, close } = await openWebKit('webkit');
  await browser.setWindowSize(SIZE.width, SIZE.height);
  return {
    goto: (url) => browser.url(url).then(() => undefined),
    run: (fn, arg) => browser.execute(fn as never, arg) as never,
    // WebKitWebDriver's element screenshot hangs here; its viewport one works, and
    // the page cuts the element out of it.
    shot: async () => {
      const png = await browser.execute(cropToElement, await browser.takeScreenshot());
      return Buffer.from(png, 'base64');
    },
    close,
  };
}

/** In the page: the element's part of a viewport screenshot, as a PNG (base64). */
async function cropToElement(shot: string): Promise<string> {
  const box = document.querySelector('paypay-kyc-passport')!.getBoundingClientRect();
  const image = new Image();
  image.src = `data:image/png;base64,${shot}`;
  await image.decode();
  const ratio = image.naturalWidth / window.innerWidth;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(box.width * ratio);
  canvas.height = Math.round(box.height * ratio);
  const { width, height } = canvas;
  canvas
    .getContext('2d')!
    .drawImage(image, box.x * ratio, box.y * ratio, width, height, 0, 0, width, height);
  return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

/** Replaces the demo's elements (whose page exchanges tokens itself) with one the test listens to. */
function mountOwn(workerUrl: string): void {
  for (const old of document.querySelectorAll('paypay-kyc-passport')) old.remove();
  document.body.replaceChildren();
  document.body.style.background = '#ffffff';
  const el = document.createElement('paypay-kyc-passport');
  el.setAttribute('endpoint', workerUrl);
  el.setAttribute('lang', 'en');
  el.setAttribute('mode', 'qr');
  const events: Array<{ type: string; detail: unknown }> = [];
  (window as unknown as { heard: typeof events }).heard = events;
  for (const type of ['kyc-passport-ready', 'kyc-passport-status', 'kyc-passport-complete']) {
    el.addEventListener(type, (event) =>
      events.push({ type, detail: (event as CustomEvent).detail }),
    );
  }
  document.body.append(el);
  // WebKitGTK's screenshot waits for the next painted frame, and a page at rest
  // paints none: it would hang. A pixel that keeps changing colour, away from
  // the element, keeps frames coming (an animation from script: the demo's CSP
  // forbids inline styles).
  const tick = document.createElement('div');
  tick.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px';
  document.body.append(tick);
  tick.animate([{ backgroundColor: '#fff' }, { backgroundColor: '#eee' }], {
    duration: 500,
    iterations: Infinity,
    direction: 'alternate',
  });
}

/** The element's state, its QR's accessible name, and the events heard so far. */
function look(): {
  state?: string;
  label?: string;
  heard: Array<{ type: string; detail: Record<string, unknown> }>;
} {
  const root = document.querySelector('paypay-kyc-passport')?.shadowRoot;
  return {
    state: root?.querySelector<HTMLElement>('[part~="card"]')?.dataset.state,
    label: root?.querySelector('[part~="qr"]')?.getAttribute('aria-label') ?? undefined,
    heard: (window as unknown as { heard?: [] }).heard ?? [],
  };
}

/** The RGBA pixels of a PNG, decoded by the page's own canvas (Node has no PNG decoder here). */
async function pixelsOf(png: string): Promise<{ width: number; height: number; rgba: string }> {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) {
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  }
  return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const shots = join(new URL('../..', import.meta.url).pathname, '.cache', 'engines');
mkdirSync(shots, { recursive: true });

const ENGINES = [
  ['chromium', chromium],
  ['firefox', firefox],
  ['webkit', webkit],
] as const;

describe.each(ENGINES)('a verification in %s', (engine, open) => {
  it('shows a QR the phone can read, completes, and the token and feed follow', async () => {
    const browser = await open();
    try {
      await browser.goto(`${stack().demoUrl}/`);
      await until(
        () => browser.run(() => customElements.get('paypay-kyc-passport') !== undefined, null),
        Boolean,
        'the element defined',
      );
      await browser.run(mountOwn, stack().workerUrl);
      const shown = await until(
        () => browser.run(look, null),
        (v) => v.state === 'qr',
        'qr',
      );

      // The QR as the engine drew it, read the way a phone camera would.
      const qrShot = await browser.shot();
      writeFileSync(join(shots, `${engine}-qr.png`), qrShot);
      const { width, height, rgba } = await browser.run(pixelsOf, qrShot.toString('base64'));
      const pixels = new Uint8ClampedArray(Buffer.from(rgba, 'base64'));
      const read = jsQR(pixels, width, height)?.data;
      expect(read, 'the QR in the screenshot').toBeDefined();
      expect(read!.startsWith(`${stack().sandboxUrl}/`)).toBe(true);
      expect(shown.label).toContain(read);

      await phoneByFetch(read!, 'complete');
      const done = await until(
        () => browser.run(look, null),
        (v) => v.state === 'completed',
        'completed',
      );
      writeFileSync(join(shots, `${engine}-completed.png`), await browser.shot());
      const complete = done.heard.find((e) => e.type === 'kyc-passport-complete');
      expect(done.heard.map((e) => e.type)).toContain('kyc-passport-ready');
      const resultToken = String(complete?.detail.resultToken);
      expect(resultToken).toMatch(/^rt1\./);

      const exchanged = await api('/v1/results/exchange', {
        method: 'POST',
        headers: { ...merchant(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ resultToken }),
      });
      expect(exchanged.status).toBe(200);
      const result = exchanged.json() as { sessionId: string; userAuthorizationId: string };
      expect(result.sessionId).toBe(complete?.detail.sessionId);

      // A completed session adds nothing to the feed by itself; PayPay's next word about
      // the user does, under the id the exchange gave.
      await sandbox('POST', '/webhooks', {
        kind: 'kyc',
        userAuthorizationId: result.userAuthorizationId,
      });
      await expect
        .poll(
          async () =>
            (await feedEvents())
              .filter((e) => e.userAuthorizationId === result.userAuthorizationId)
              .map((e) => e.type),
          { timeout: 15_000 },
        )
        .toContain('kyc.updated');
    } finally {
      await browser.close();
    }
  });
});

afterAll(() => {
  expect(openApiProblems()).toEqual([]);
});
