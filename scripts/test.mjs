// `npm test`: every vitest project (workerd, Chromium, Firefox, WebKit, end to
// end), then one closing line `N passed, N failed` that CI reads. Exit code is
// vitest's. Arguments go to vitest: `--project worker` runs one project
// (npm run test:worker), `--project 'widget*'` the element in all three engines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath } from './lib/chromium.mjs';
import { projectLines, projectsReport } from './lib/project-reporter.mjs';
import { browserPaths, enginePackages, hasEngine } from './lib/webkit.mjs';

const root = new URL('..', import.meta.url).pathname;
const report = join(root, '.cache', 'vitest-report.json');
mkdirSync(join(root, '.cache'), { recursive: true });
rmSync(report, { force: true });
rmSync(projectsReport, { force: true });

/** The projects named by `--project x` / `--project=x`; empty means all of them. */
function projectsOf(args) {
  const names = [];
  args.forEach((arg, i) => {
    if (arg === '--project' && args[i + 1] !== undefined) names.push(args[i + 1]);
    else if (arg.startsWith('--project=')) names.push(arg.slice('--project='.length));
  });
  return names;
}

const args = process.argv.slice(2);
const projects = projectsOf(args);

/** Whether the run includes project `name`: no --project, or a name or glob that matches it. */
function runs(name) {
  if (projects.length === 0) return true;
  return projects.some((pattern) => {
    const glob = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${glob}$`).test(name);
  });
}

// Browser and end-to-end tests drive Debian's browsers; say plainly which package is missing.
const missing = [];
if ((runs('widget') || runs('e2e')) && !existsSync(chromiumPath)) {
  missing.push(
    `Chromium not found at ${chromiumPath}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium fonts-liberation) or set CHROMIUM_PATH.`,
  );
}
// The e2e project opens the element in every engine (engines.test.ts, old-safari.test.ts).
const NAMES = { firefox: 'Firefox ESR', webkit: 'WebKitGTK', wpe: 'WPE WebKit' };
for (const [engine, project, variables] of [
  ['firefox', 'widget-firefox', 'FIREFOX_PATH'],
  ['webkit', 'widget-webkit', 'MINIBROWSER_PATH and WEBKIT_WEBDRIVER_PATH'],
  ['wpe', 'e2e', 'COG_PATH and WPE_WEBDRIVER_PATH'],
]) {
  // WebKitGTK needs an X display: the tests start an Xvfb of their own for each window.
  const display = engine !== 'webkit' || existsSync(browserPaths.xvfb);
  if ((runs(project) || runs('e2e')) && !(hasEngine(engine) && display)) {
    missing.push(
      `${NAMES[engine]} not found. Install it (Debian/Ubuntu: sudo apt-get install -y ${enginePackages[engine]}) or set ${variables}.`,
    );
  }
}
if (missing.length > 0) {
  for (const line of missing) console.error(line);
  console.log(`0 passed, ${missing.length} failed`);
  process.exit(1);
}

// The element is built once here: the Worker under wrangler dev serves it to the tests.
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const run = spawnSync(
  join(root, 'node_modules/.bin/vitest'),
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    `--reporter=${join(root, 'scripts/lib/project-reporter.mjs')}`,
    ...args,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
    },
  },
);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  failed = result.numFailedTests ?? 0;
  if (!result.success && failed === 0) failed = 1; // a suite that crashed before its tests ran
}
const status = run.status ?? 1;
if (status !== 0 && failed === 0) failed = 1;
// Each project's counts (three of them are the element's engines), then the line CI reads.
if (existsSync(projectsReport)) {
  console.log('by project:');
  for (const line of projectLines(JSON.parse(readFileSync(projectsReport, 'utf8'))))
    console.log(line);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
