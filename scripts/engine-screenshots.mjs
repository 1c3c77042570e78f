// `npm run screenshots:engines`: the element at its QR and once completed, as
// Chromium, Firefox ESR, WebKitGTK and WPE WebKit 2.38 (about Safari 16.0) draw
// it. The pictures are the ones the end-to-end verifications per engine take
// (test/e2e/engines.test.ts and old-safari.test.ts write them to .cache/engines/
// on every run); this runs those files alone on their own stack, then copies them
// to docs/screenshots/engines/ (committed).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, '.cache', 'engines');
const to = join(root, 'docs', 'screenshots', 'engines');
const names = ['chromium', 'firefox', 'webkit', 'wpe'].flatMap((engine) =>
  ['qr', 'completed'].map((moment) => `${engine}-${moment}.png`),
);

// Stale pictures must not be copied as if this run had taken them.
rmSync(from, { recursive: true, force: true });
const run = spawnSync(
  process.execPath,
  [
    join(root, 'scripts', 'test.mjs'),
    '--project',
    'e2e',
    'test/e2e/engines.test.ts',
    'test/e2e/old-safari.test.ts',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (run.status !== 0) {
  console.error('engine-screenshots: an engine test failed; docs/screenshots/engines/ unchanged');
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
