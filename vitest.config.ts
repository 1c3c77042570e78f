import { defineConfig } from 'vitest/config';
import { workerProject } from './test/worker/project.ts';
import { widgetProject } from './test/widget/project.ts';
import { e2eProject } from './test/e2e/project.ts';

// Three projects: Worker and sandbox code runs inside workerd, the element inside
// real headless Chromium, and e2e in Node against the stack under wrangler dev.
// `npm test` runs them all.
export default defineConfig({
  test: {
    projects: [workerProject, widgetProject, e2eProject],
    // The Worker's one-line request logs are asserted in leaks.test.ts; elsewhere they are noise.
    onConsoleLog: (line) => !line.startsWith('{"type":"request"'),
  },
});
