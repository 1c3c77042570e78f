import { defineProject } from 'vitest/config';

/**
 * End-to-end tests in Node against ONE real stack (the Worker and the PayPay
 * sandbox under `wrangler dev`, on loopback), started by the global setup.
 */
export const e2eProject = defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    // The storm takes 48 s alone on two cores; room for a busy machine.
    testTimeout: 150_000,
    hookTimeout: 90_000,
  },
});
