// `npm run build`: the element's two bundles, then their SRI hashes for merchants'
// <script integrity="..."> tags.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const vite = spawnSync(
  join(root, 'node_modules/.bin/vite'),
  ['build', '--logLevel', quiet ? 'warn' : 'info'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (vite.status !== 0) process.exit(vite.status ?? 1);

for (const file of ['paypay-kyc-passport.js', 'paypay-kyc-passport.iife.js']) {
  const bytes = readFileSync(join(root, 'dist', file));
  const sri = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
  console.log(`dist/${file}  ${(bytes.length / 1024).toFixed(1)} KiB  integrity="${sri}"`);
}
