import { defineConfig } from 'vitest/config';
import { workerProject } from './test/worker/project.ts';
import { widgetProject } from './test/widget/project.ts';

// Two projects, two runtimes: Worker and sandbox code runs inside workerd, the
// element inside real headless Chromium. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [workerProject, widgetProject],
    // The Worker's one-line request logs are asserted in leaks.test.ts; elsewhere they are noise.
    onConsoleLog: (line) => !line.startsWith('{"type":"request"'),
  },
});
