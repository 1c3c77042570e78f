import { playwright } from '@vitest/browser-playwright';
import { defineProject, type TestProjectInlineConfiguration } from 'vitest/config';
import { freePort } from '../../scripts/lib/stack.mjs';
import { safariLink, webKitCapabilities } from '../../scripts/lib/webkit.mjs';
import { commands } from './setup/commands.ts';
import { firefoxEsr } from './setup/firefox.ts';
import { webkitGtk } from './setup/webkit-provider.ts';
import { testProvider } from './setup/provider.ts';
import { chromiumArgs, chromiumPath } from '../../scripts/lib/chromium.mjs';

// Each test page's origin must be in the Worker's ALLOWED_ORIGINS, so its port is
// fixed before the Worker starts: free ports, chosen now. So is the port of
// WebKitWebDriver, which the WebKit project's global setup starts.
const [chromiumPort, firefoxPort, webkitPort, webDriverPort] = [
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
];

/** Tests that need Chromium's DevTools protocol (`cdp()`): their names say why. */
const CHROMIUM_ONLY = 'test/widget/**/*.chromium.test.ts';

type Browser = NonNullable<NonNullable<TestProjectInlineConfiguration['test']>['browser']>;

/**
 * One widget project: the same tests, against the one stack of setup/global.ts.
 * All three have `fileParallelism: false`: a file changes the sandbox merchant's
 * faults and QR lifetime, and so does every project, so vitest runs them in its
 * one sequential group, one project after another.
 */
function widget(
  name: string,
  port: number,
  browser: Browser,
  more: { cdp?: boolean; setupFiles?: string[]; globalSetup?: string[] } = {},
) {
  return defineProject({
    plugins: [testProvider()],
    test: {
      name,
      include: ['test/widget/**/*.test.ts'],
      exclude: more.cdp ? [] : [CHROMIUM_ONLY],
      setupFiles: more.setupFiles ?? [],
      globalSetup: ['test/widget/setup/global.ts', ...(more.globalSetup ?? [])],
      fileParallelism: false,
      testTimeout: 30_000,
      api: { host: '127.0.0.1', port, strictPort: true },
      browser: { enabled: true, commands, ...browser },
    },
  });
}

/** Debian's headless Chromium through Playwright: every test, the CDP ones too. */
const chromium = widget(
  'widget',
  chromiumPort,
  {
    headless: true,
    provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
    instances: [{ browser: 'chromium' }],
  },
  { cdp: true },
);

/** Firefox ESR through puppeteer-core (setup/firefox.ts); it runs headless all the same. */
const firefox = widget(
  'widget-firefox',
  firefoxPort,
  { headless: false, provider: firefoxEsr(), instances: [{ browser: 'firefox' }] },
  { setupFiles: ['test/widget/setup/userevent-shim.ts'] },
);

/**
 * WebKitGTK's MiniBrowser under WebKitWebDriver, in the X display of
 * setup/webkit.ts. vitest's webdriverio provider knows WebKit only as `safari`,
 * so MiniBrowser is reached through a link of that name; WebKitWebDriver speaks
 * classic WebDriver only.
 */
const safariCapabilities = {
  ...webKitCapabilities('webkit'),
  'webkitgtk:browserOptions': { binary: safariLink(), args: ['--automation'] },
};
const webkit = widget(
  'widget-webkit',
  webkitPort,
  {
    headless: false,
    // vitest's default is the UI page off the CI and none on it (CI=true). Without
    // it, WebKitGTK never gives the test frame the keyboard focus and the focus
    // tests fail on CI alone; with it they pass on both. Fixed, so both are alike.
    ui: true,
    provider: webkitGtk({
      hostname: '127.0.0.1',
      port: webDriverPort,
      path: '/',
      capabilities: safariCapabilities,
    }),
    instances: [{ browser: 'safari' }],
  },
  { globalSetup: ['test/widget/setup/webkit.ts'] },
);

/** The element's behaviour tests in Chromium, Firefox ESR and WebKitGTK. */
export const widgetProjects = [chromium, firefox, webkit];
