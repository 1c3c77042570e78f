import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { freePort } from '../../scripts/lib/stack.mjs';
import { commands } from './setup/commands.ts';
import { testProvider } from './setup/provider.ts';
import { chromiumArgs, chromiumPath } from '../../scripts/lib/chromium.mjs';

// The test page's origin must be in the Worker's ALLOWED_ORIGINS, so it is fixed
// before the Worker starts: a free port, chosen now.
const port = await freePort();

/** The widget project runs in Debian's headless Chromium through Playwright, against a real stack. */
export const widgetProject = defineProject({
  plugins: [testProvider()],
  test: {
    name: 'widget',
    include: ['test/widget/**/*.test.ts'],
    globalSetup: ['test/widget/setup/global.ts'],
    // One stack, one sandbox merchant: files that change its faults must not overlap.
    fileParallelism: false,
    testTimeout: 30_000,
    api: { host: '127.0.0.1', port, strictPort: true },
    browser: {
      enabled: true,
      headless: true,
      commands,
      provider: playwright({
        launchOptions: {
          executablePath: chromiumPath,
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
