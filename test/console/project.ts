import { defineProject } from 'vitest/config';

/**
 * The merchant's console: built by vite, served with a fake API
 * (scripts/lib/console-fake.mjs), driven in headless Chromium from Node.
 * No stack: the numbers on the page are the fake's.
 */
export const consoleProject = defineProject({
  test: {
    name: 'console',
    environment: 'node',
    include: ['test/console/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
