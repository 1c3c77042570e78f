// How every part of the project drives WebKit and Firefox from Debian's packages
// (a test tool's own browser downloads cannot work here):
// - WebKitGTK: `webkit2gtk-driver` (WebKitWebDriver) and its MiniBrowser, in an X
//   display (Xvfb when none is set), over classic WebDriver with webdriverio;
// - WPE WebKit (`cog`, `wpewebkit-driver`): about Safari 16.0, headless;
// - Firefox ESR (`firefox-esr`): puppeteer-core over WebDriver BiDi.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './stack.mjs';

const root = new URL('../..', import.meta.url).pathname;

/** Debian's binaries; each can be moved by an environment variable. */
export const browserPaths = {
  firefox: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
  miniBrowser:
    process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  webKitWebDriver: process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver',
  cog: process.env.COG_PATH ?? '/usr/bin/cog',
  wpeWebDriver: process.env.WPE_WEBDRIVER_PATH ?? '/usr/bin/WPEWebDriver',
  xvfb: process.env.XVFB_PATH ?? '/usr/bin/Xvfb',
};

/** The Debian packages that provide each engine, for messages that say what to install. */
export const enginePackages = {
  firefox: 'firefox-esr',
  webkit: 'webkit2gtk-driver xvfb',
  wpe: 'cog wpewebkit-driver',
};

/** Whether an engine's binaries are on this machine. */
export function hasEngine(engine) {
  const needs = {
    firefox: [browserPaths.firefox],
    webkit: [browserPaths.miniBrowser, browserPaths.webKitWebDriver],
    wpe: [browserPaths.cog, browserPaths.wpeWebDriver],
  }[engine];
  return needs.every((path) => existsSync(path));
}

/**
 * MiniBrowser reached through a link named `safari`: vitest's webdriverio provider
 * takes only `safari` as a WebKit browser's name. Returns the link's path.
 */
export function safariLink() {
  const dir = join(root, '.cache', 'webkit');
  const link = join(dir, 'safari');
  if (!existsSync(link)) {
    mkdirSync(dir, { recursive: true });
    symlinkSync(browserPaths.miniBrowser, link);
  }
  return link;
}

/** Resolves once `port` on loopback accepts an HTTP request, or throws after `ms`. */
async function answering(port, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nothing answered on port ${port} in ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Stops a child process and waits for it. */
function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * A private X display for WebKitGTK: an Xvfb of its own for each caller, never
 * the caller's DISPLAY. Two WebKit windows on one display take the keyboard
 * focus from each other, and the element's focus tests then fail by the order
 * the runs happened to start in. Xvfb picks a free display number itself
 * (`-displayfd`) and writes it once it is ready.
 */
export async function startDisplay() {
  const xvfb = spawn(
    browserPaths.xvfb,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
  );
  const number = await new Promise((resolve, reject) => {
    let text = '';
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
    xvfb.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    setTimeout(() => reject(new Error('Xvfb gave no display in 10 s')), 10_000).unref();
  });
  return { display: `:${number}`, stop: stopper(xvfb) };
}

/**
 * A WebDriver server for a WebKit engine on a loopback port (a free one unless
 * `port` is given: a test config must name it before the driver starts). `env`
 * goes to the driver and from it to the browser it starts.
 */
export async function startWebDriver(engine, env = {}, chosenPort = undefined) {
  const port = chosenPort ?? (await freePort());
  const binary = engine === 'wpe' ? browserPaths.wpeWebDriver : browserPaths.webKitWebDriver;
  const driver = spawn(binary, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: 'ignore',
    env: { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: '1', ...env },
  });
  await answering(port, 10_000);
  return { port, stop: stopper(driver) };
}

/** The capabilities that start each WebKit engine under its driver. */
export function webKitCapabilities(engine) {
  const options =
    engine === 'wpe'
      ? {
          'wpe:browserOptions': {
            binary: browserPaths.cog,
            args: ['--automation', '--platform=headless'],
          },
        }
      : {
          'webkitgtk:browserOptions': { binary: browserPaths.miniBrowser, args: ['--automation'] },
        };
  return { 'wdio:enforceWebDriverClassic': true, ...options };
}

/**
 * A WebKit browser driven by webdriverio: `engine` is 'webkit' (WebKitGTK, in
 * Xvfb) or 'wpe' (WPE WebKit, headless). `close()` ends the session, the driver
 * and the display.
 */
export async function openWebKit(engine = 'webkit') {
  const { remote } = await import('webdriverio');
  const display =
    engine === 'wpe' ? { display: undefined, stop: async () => {} } : await startDisplay();
  const driver = await startWebDriver(engine, display.display ? { DISPLAY: display.display } : {});
  try {
    const browser = await remote({
      hostname: '127.0.0.1',
      port: driver.port,
      path: '/',
      logLevel: 'warn',
      capabilities: webKitCapabilities(engine),
    });
    const close = async () => {
      await browser.deleteSession().catch(() => undefined);
      await driver.stop();
      await display.stop();
    };
    return { browser, close };
  } catch (error) {
    await driver.stop();
    await display.stop();
    throw error;
  }
}

/** Firefox ESR through puppeteer-core over WebDriver BiDi, headless. */
export async function launchFirefox(options = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: browserPaths.firefox,
    headless: true,
    ...options,
  });
}
