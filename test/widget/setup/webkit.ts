import type { TestProject } from 'vitest/node';
import {
  enginePackages,
  hasEngine,
  startDisplay,
  startWebDriver,
} from '../../../scripts/lib/webkit.mjs';

/**
 * What the widget-webkit project needs before its provider opens MiniBrowser:
 * an X display (a private Xvfb unless DISPLAY is set) and WebKitWebDriver on the
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
  const display = await startDisplay();
  // The driver starts MiniBrowser, which inherits the driver's environment;
  // process.env too, for anything else this run starts in that display. Put
  // back afterwards: a DISPLAY naming a stopped Xvfb would be reused by startDisplay.
  const before = process.env.DISPLAY;
  process.env.DISPLAY = display.display;
  const stop = async () => {
    if (before === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = before;
    await display.stop();
  };
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
