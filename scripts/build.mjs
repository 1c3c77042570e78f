// `npm run build`: the element's two bundles, their type declarations, a
// versioned copy for immutable caching, the static-asset headers, the SRI
// hashes merchants put in <script integrity="...">; and the npm package's
// entry points: the element as a library (its dependencies left to the app's
// bundler), the React wrapper, and custom-elements.json; and the merchant's
// console (dist/console/, a page of its own that no shop page loads).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBudget } from './lib/budget.mjs';
import { browserTargets } from './lib/element-build.mjs';
import { styleHash } from './lib/style-hash.mjs';

const root = new URL('..', import.meta.url).pathname;
/** The package's `./jsx-react`, `./jsx-preact`, `./vue` and `./svelte`: types only (docs/embedding.md, docs/svelte.md). */
const FRAMEWORK_TYPES = ['jsx-react', 'jsx-preact', 'vue', 'svelte'];
const quiet = process.argv.includes('--quiet');
const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(bin('vite'), ['build', '--logLevel', quiet ? 'warn' : 'info']);
// The console after the element's build, which empties dist/.
run(bin('vite'), ['build', '-c', 'vite.console.config.ts', '--logLevel', quiet ? 'warn' : 'info']);
run(bin('tsc'), ['-p', 'widget/tsconfig.build.json']);
// Each framework's types entry: hand-written declaration files (why: their
// headers), which tsc does not copy.
for (const entry of FRAMEWORK_TYPES) {
  cpSync(join(root, `widget/${entry}.d.ts`), join(root, `dist/types/widget/${entry}.d.ts`));
}
await buildPackageEntries();
// The Worker, the merchant-server helper and the sandbox as the package ships them
// (after vite, which empties dist/).
for (const part of ['build-worker.mjs', 'build-server.mjs', 'build-sandbox.mjs']) {
  run(process.execPath, [join(root, 'scripts', part), ...(quiet ? ['--quiet'] : [])]);
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const files = ['paypay-kyc-passport.js', 'paypay-kyc-passport.iife.js'];
const versioned = join(root, 'dist', 'v', version);
mkdirSync(versioned, { recursive: true });
for (const file of files) cpSync(join(root, 'dist', file), join(versioned, file));

// The unversioned names change with every release: cached briefly. The versioned
// copies never change: cached for a year. Both may be loaded cross-origin with SRI.
writeFileSync(
  join(root, 'dist', '_headers'),
  `/paypay-kyc-passport*
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=300
  X-Content-Type-Options: nosniff
/v/*
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
`,
);

// dist/ is also the Worker's static-asset directory: only the element's bundles
// are for browsers. The package's other entry points are not served.
writeFileSync(
  join(root, 'dist', '.assetsignore'),
  ['lib/', 'react/', 'server/', 'worker/', 'sandbox/', 'types/', 'custom-elements.json', ''].join(
    '\n',
  ),
);

/** sha384 SRI of a built file. */
export function sri(file) {
  return `sha384-${createHash('sha384')
    .update(readFileSync(join(root, 'dist', file)))
    .digest('base64')}`;
}

for (const file of files) {
  const size = readFileSync(join(root, 'dist', file)).length;
  console.log(
    `dist/${file}  ${(size / 1024).toFixed(1)} KiB  integrity="${sri(file)}"  (also /v/${version}/${file})`,
  );
}
// Safari before 16.4 styles the element with a <style> a strict CSP must allow by hash.
console.log(
  `style-src for Safari before 16.4: ${styleHash(join(root, 'dist', 'paypay-kyc-passport.iife.js'))} (docs/embedding.md#content-security-policy)`,
);

// The classic script's size budget (scripts/lib/budget.mjs): printed on every build, fatal over it.
const budget = checkBudget(join(root, 'dist', 'paypay-kyc-passport.iife.js'));
if (!budget.ok) {
  console.error(budget.message);
  process.exit(1);
}
console.log(budget.message);

/**
 * The package's `.` (the element, lit and qrcode left as imports so an app's
 * bundler shares them) and `./react` (which imports `.`, so one element class
 * is registered whichever entry an app loads first), and the manifest IDEs and
 * JSX/Vue type generators read.
 */
async function buildPackageEntries() {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    format: 'esm',
    target: browserTargets,
    sourcemap: true,
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(root, 'widget/index.ts')],
    outfile: join(root, 'dist/lib/index.js'),
    external: ['lit', 'lit/*', 'qrcode', 'qrcode/*'],
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(root, 'react/index.ts')],
    outfile: join(root, 'dist/react/index.js'),
    external: ['react', '@lit/react'],
    plugins: [
      {
        name: 'element-from-package',
        setup(build) {
          build.onResolve({ filter: /\/widget\/index$/ }, () => ({
            path: 'paypay-kyc-passport',
            external: true,
          }));
        },
      },
    ],
  });
  run(bin('tsc'), ['-p', 'react/tsconfig.build.json']);
  run(bin('cem'), ['analyze', '--quiet', '--config', 'scripts/lib/custom-elements.config.mjs']);
}
