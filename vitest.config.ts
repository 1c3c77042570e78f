import { defineConfig } from 'vitest/config';
import { workerProject } from './test/worker/project.ts';
import { widgetProjects } from './test/widget/project.ts';
import { e2eProject } from './test/e2e/project.ts';
import { consoleProject } from './test/console/project.ts';

// Six projects: Worker and sandbox code runs inside workerd, the element inside
// real Chromium, Firefox ESR and WebKitGTK (widget, widget-firefox, widget-webkit),
// e2e in Node against the stack under wrangler dev, and the console in Chromium
// from Node against a fake API.
// `npm test` runs them all.
export default defineConfig({
  test: {
    projects: [workerProject, ...widgetProjects, e2eProject, consoleProject],
    // The Worker's one-line request logs are asserted in leaks.test.ts; elsewhere they are noise.
    onConsoleLog: (line) => !line.startsWith('{"type":"request"'),
  },
});
