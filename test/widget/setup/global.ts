import { readFileSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startStack } from '../../../scripts/lib/stack.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    workerUrl: string;
    sandboxUrl: string;
    /** package.json version: the path of the element's immutable copy. */
    version: string;
  }
}

/**
 * One real stack (Worker + PayPay sandbox under wrangler dev) for the element's
 * browser tests, allowing the test page's origin.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const persistTo = '.wrangler/test-widget';
  rmSync(persistTo, { recursive: true, force: true });
  // The browser server's port was fixed in project.ts; read it back from the resolved config.
  const api = project.config.api as { port?: number } | undefined;
  if (!api?.port) throw new Error('the widget project must fix test.api.port');
  const origin = `http://127.0.0.1:${api.port}`;
  const stack = await startStack({
    demo: false,
    persistTo,
    log: (line) => {
      if (/error/i.test(line)) console.error(line);
    },
    workerOverrides: {
      ALLOWED_ORIGINS: `${origin},${origin.replace('127.0.0.1', 'localhost')}`,
      // The tests create many sessions from one address.
      SESSION_RATE_LIMIT_PER_MINUTE: '5000',
    },
  });
  process.env.WIDGET_STACK = JSON.stringify({
    workerUrl: stack.workerUrl,
    sandboxUrl: stack.sandboxUrl,
    merchantApiToken: stack.merchantApiToken,
  });
  project.provide('workerUrl', stack.workerUrl);
  project.provide('sandboxUrl', stack.sandboxUrl);
  project.provide('version', JSON.parse(readFileSync('package.json', 'utf8')).version);
  return () => stack.stop();
}
