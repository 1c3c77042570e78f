import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

/** Chromium flags for a machine with no network: no background connections. */
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The widget project runs in Debian's headless Chromium through Playwright. */
export const widgetProject = defineProject({
  test: {
    name: 'widget',
    include: ['test/widget/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
