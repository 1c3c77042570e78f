// The package's `./worker`: worker/index.ts bundled into dist/worker/index.js with
// its npm dependencies inside (a merchant's Worker project installs nothing else),
// and the hand-written declaration worker/public.d.ts as dist/worker/index.d.ts.
// The merchant's wrangler bundles it again, with the `cloudflare:` and `node:`
// modules left to the runtime (nodejs_compat), as for our own deploy.
// Run after scripts/build.mjs: its vite build empties dist/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const outdir = join(root, 'dist', 'worker');

const result = await build({
  entryPoints: [join(root, 'worker/index.ts')],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  format: 'esm',
  // What wrangler bundles a Worker for: the browser platform and its conditions.
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
  external: ['cloudflare:*', 'node:*'],
  sourcemap: 'linked',
  legalComments: 'inline',
  metafile: true,
  write: false,
  logLevel: 'warning',
});

const files = [
  ...result.outputFiles.map((file) => ({ path: file.path, text: file.text })),
  {
    path: join(outdir, 'index.d.ts'),
    text: readFileSync(join(root, 'worker/public.d.ts'), 'utf8'),
  },
];

// Unchanged files are not rewritten: dist/ is the asset directory of a running
// `wrangler dev`, which reloads on every write.
for (const { path, text } of files) {
  let previous = null;
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    // not built yet
  }
  if (previous === text) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

if (!quiet) {
  const bundled = Object.keys(result.metafile.inputs).filter((input) =>
    input.includes('node_modules/'),
  );
  const packages = [
    ...new Set(bundled.map((input) => input.split('node_modules/')[1].split('/')[0])),
  ];
  const size = Buffer.byteLength(files.find((file) => file.path.endsWith('index.js')).text);
  console.log(
    `dist/worker/index.js  ${(size / 1024).toFixed(1)} KiB  (bundled: ${packages.join(', ')})`,
  );
}
