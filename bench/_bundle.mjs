// Bundles a TypeScript module of the project for Node, so benches measure the
// same code the Worker runs.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Bundles `entry` (relative to the repo root) and imports it. */
export async function importTs(entry) {
  const outfile = join(root, '.cache', 'bench', entry.replace(/[/.]/g, '_') + '.mjs');
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outfile,
    logLevel: 'warning',
  });
  return import(`${outfile}?t=${Date.now()}`);
}

/** Percentile of a sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
