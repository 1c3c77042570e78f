import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { freePort, startStack } from '../../scripts/lib/stack.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The stack the e2e tests talk to. */
    e2eStack: {
      workerUrl: string;
      sandboxUrl: string;
      demoUrl: string;
      merchantApiToken: string;
      /** An allowed origin no server holds: a test's own shop listens there (hosted-page.test.ts). */
      shopUrl: string;
    };
  }
}

/**
 * Starts one stack (sandbox, Worker, demo site; npm test built the element first)
 * and stops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const persistTo = `.wrangler/test-e2e-${process.pid}`;
  rmSync(persistTo, { recursive: true, force: true });
  const shopUrl = `http://127.0.0.1:${await freePort()}`;
  const stack = await startStack({
    extraOrigins: [shopUrl],
    persistTo,
    // The journeys open the demo page many times from one address.
    // The storm's 120 new users all want a first re-read at once, within
    // UNCONFIRMED_REREADS_PER_MINUTE until each confirms; with the re-read queue a
    // confirmation gives its budget back a batch later, and the users left due wait
    // for the cron's next minute, which this shared stack does not run.
    workerOverrides: {
      SESSION_RATE_LIMIT_PER_MINUTE: '1000',
      UNCONFIRMED_REREADS_PER_MINUTE: '1000',
    },
    log: (line) => {
      if (/error/i.test(line)) console.error(line);
    },
  });
  project.provide('e2eStack', {
    workerUrl: stack.workerUrl,
    sandboxUrl: stack.sandboxUrl,
    demoUrl: stack.demoUrl,
    merchantApiToken: stack.merchantApiToken,
    shopUrl,
  });
  return async () => {
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
