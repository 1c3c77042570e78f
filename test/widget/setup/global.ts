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

type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * The one stack of every widget project. Each project runs this setup through
 * its own module runner, so a module variable would be one per project: the
 * stack lives on globalThis, with a count of the projects still using it.
 */
interface Shared {
  stack: Promise<Stack>;
  users: number;
}
const KEY = Symbol.for('paypay-kyc.widget-stack');
const holder = globalThis as unknown as Record<symbol, Shared | undefined>;

/** Every widget project's test page origin (each project fixed its port in project.ts). */
function pageOrigins(project: TestProject): string[] {
  const origins: string[] = [];
  for (const each of project.vitest.projects) {
    if (!each.name.startsWith('widget')) continue;
    const api = each.config.api as { port?: number } | undefined;
    if (!api?.port) throw new Error(`the ${each.name} project must fix test.api.port`);
    origins.push(`http://127.0.0.1:${api.port}`, `http://localhost:${api.port}`);
  }
  return origins;
}

async function start(project: TestProject): Promise<Stack> {
  const persistTo = '.wrangler/test-widget';
  rmSync(persistTo, { recursive: true, force: true });
  const stack = await startStack({
    demo: false,
    persistTo,
    log: (line) => {
      if (/error/i.test(line)) console.error(line);
    },
    workerOverrides: {
      ALLOWED_ORIGINS: pageOrigins(project).join(','),
      // The tests create many sessions from one address.
      SESSION_RATE_LIMIT_PER_MINUTE: '5000',
    },
  });
  process.env.WIDGET_STACK = JSON.stringify({
    workerUrl: stack.workerUrl,
    sandboxUrl: stack.sandboxUrl,
    merchantApiToken: stack.merchantApiToken,
  });
  return stack;
}

/**
 * One real stack (Worker + PayPay sandbox under wrangler dev) for the element's
 * browser tests in all three engines, allowing every test page's origin. The
 * projects share its one sandbox merchant, so they must not run at the same
 * time: each has `fileParallelism: false`, which puts all of them in vitest's one
 * sequential group, where a browser project runs only after the previous one
 * ended (see project.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (holder[KEY] ??= { stack: start(project), users: 0 });
  shared.users += 1;
  const stack = await shared.stack;
  project.provide('workerUrl', stack.workerUrl);
  project.provide('sandboxUrl', stack.sandboxUrl);
  project.provide('version', JSON.parse(readFileSync('package.json', 'utf8')).version);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    holder[KEY] = undefined;
    await stack.stop();
  };
}
