// `npm run screenshots:engines`: the element at its QR and once completed, as
// Chromium, Firefox ESR and WebKitGTK draw it. The pictures are the ones the
// end-to-end verification per engine takes (test/e2e/engines.test.ts writes them
// to .cache/engines/ on every run); this runs that file alone on its own stack,
// then copies them to docs/screenshots/engines/ (committed).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, '.cache', 'engines');
const to = join(root, 'docs', 'screenshots', 'engines');
const names = ['chromium', 'firefox', 'webkit'].flatMap((engine) =>
  ['qr', 'completed'].map((moment) => `${engine}-${moment}.png`),
);

// Stale pictures must not be copied as if this run had taken them.
rmSync(from, { recursive: true, force: true });
const run = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'test.mjs'), '--project', 'e2e', 'test/e2e/engines.test.ts'],
  { cwd: root, stdio: 'inherit' },
);
if (run.status !== 0) {
  console.error('engine-screenshots: the engines test failed; docs/screenshots/engines/ unchanged');
  process.exit(run.status ?? 1);
}
const missing = names.filter((name) => !existsSync(join(from, name)));
if (missing.length > 0) {
  console.error(`engine-screenshots: the test wrote no ${missing.join(', ')}`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const name of names) copyFileSync(join(from, name), join(to, name));
console.log(`engine-screenshots: ${names.length} pictures in docs/screenshots/engines/`);
