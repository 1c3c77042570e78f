// `npm run build`: the element's two bundles, their type declarations, a
// versioned copy for immutable caching, the static-asset headers, and the SRI
// hashes merchants put in <script integrity="...">.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const bin = (name) => join(root, 'node_modules/.bin', name);
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(bin('vite'), ['build', '--logLevel', quiet ? 'warn' : 'info']);
run(bin('tsc'), ['-p', 'widget/tsconfig.build.json']);

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
