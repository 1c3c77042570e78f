// A vitest reporter that writes each project's counts and span to
// .cache/vitest-projects.json: vitest's JSON report names files, not projects,
// and one file runs in three projects (the element in Chromium, Firefox and
// WebKit). scripts/test.mjs prints it above its closing line, so a CI log says
// how many tests each engine ran and how long each project took.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the summary goes. */
export const projectsReport = join(
  new URL('../..', import.meta.url).pathname,
  '.cache',
  'vitest-projects.json',
);

export default class ProjectReporter {
  file = projectsReport;

  onTestRunEnd(testModules) {
    const projects = {};
    for (const module of testModules) {
      const name = module.project.name || '(root)';
      const entry = (projects[name] ??= { passed: 0, failed: 0, first: Infinity, last: 0 });
      for (const test of module.children.allTests()) {
        const { state } = test.result();
        if (state === 'passed') entry.passed += 1;
        else if (state === 'failed') entry.failed += 1;
        const { startTime, duration } = test.diagnostic() ?? {};
        if (typeof startTime !== 'number' || !startTime) continue;
        entry.first = Math.min(entry.first, startTime);
        entry.last = Math.max(entry.last, startTime + (duration ?? 0));
      }
    }
    const summary = Object.entries(projects).map(([name, p]) => ({
      name,
      passed: p.passed,
      failed: p.failed,
      seconds: p.last > p.first ? Math.round((p.last - p.first) / 100) / 10 : 0,
    }));
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(summary, null, 2));
  }
}

/** One line per project, in the order they ran: name, counts, span. */
export function projectLines(summary) {
  return summary.map(
    (p) =>
      `  ${p.name.padEnd(24)} ${String(p.passed).padStart(5)} passed, ${p.failed} failed  (${p.seconds} s first test to last)`,
  );
}
