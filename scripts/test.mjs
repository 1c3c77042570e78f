// `npm test`: every vitest project (workerd, Chromium, end to end), then one
// closing line `N passed, N failed` that CI reads. Exit code is vitest's.
// Arguments go to vitest: `--project worker` runs one project (npm run test:worker).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath } from './lib/chromium.mjs';

const root = new URL('..', import.meta.url).pathname;
const report = join(root, '.cache', 'vitest-report.json');
mkdirSync(join(root, '.cache'), { recursive: true });
rmSync(report, { force: true });

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
const needsChromium =
  projects.length === 0 || projects.some((name) => name === 'widget' || name === 'e2e');

// Browser and end-to-end tests drive Debian's Chromium; say so plainly if it is missing.
if (needsChromium && !existsSync(chromiumPath)) {
  console.error(
    `Chromium not found at ${chromiumPath}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium fonts-liberation) or set CHROMIUM_PATH.`,
  );
  console.log('0 passed, 1 failed');
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
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
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
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
