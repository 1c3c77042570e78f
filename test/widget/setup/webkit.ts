import type { TestProject } from 'vitest/node';
import {
  enginePackages,
  hasEngine,
  startDisplay,
  startWebDriver,
} from '../../../scripts/lib/webkit.mjs';

/**
 * What the widget-webkit project needs before its provider opens MiniBrowser:
 * an X display (a private Xvfb) and WebKitWebDriver on the
 * port the provider was given in project.ts. Started here, so `npm test` needs
 * no xvfb-run wrapper.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasEngine('webkit')) {
    throw new Error(
      `WebKitGTK not found. Install it (Debian/Ubuntu: sudo apt-get install -y ${enginePackages.webkit}) or set MINIBROWSER_PATH and WEBKIT_WEBDRIVER_PATH.`,
    );
  }
  const provider = project.config.browser.provider as { options?: { port?: number } } | undefined;
  const port = provider?.options?.port;
  if (!port) throw new Error('the widget-webkit project must give its provider a port');
  // The driver starts MiniBrowser, which inherits the driver's environment. Not
  // process.env: the e2e tests' own WebKit windows would open on this display and
  // take the keyboard focus from the element's focus tests.
  const display = await startDisplay();
  const stop = () => display.stop();
  try {
    const driver = await startWebDriver('webkit', { DISPLAY: display.display }, port);
    return async () => {
      // vitest tears global setups down before it closes the browsers: end the
      // WebDriver session first (the provider's close does it once), or the
      // provider's own close later finds no driver and reports an error.
      // The browser belongs to the project vitest made for the `safari` instance.
      for (const each of project.vitest.projects) {
        if (each.name.startsWith(project.name)) await each.browser?.provider?.close();
      }
      await driver.stop();
      await stop();
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
