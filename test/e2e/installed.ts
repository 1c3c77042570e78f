import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root. */
export const root = new URL('../..', import.meta.url).pathname;

/** What the merchant projects of the package tests install next to the package, pinned. */
export const VERSIONS = {
  react: '19.3.1',
  'react-dom': '19.3.1',
  '@types/react': '19.3.3',
  '@types/react-dom': '19.3.0',
  '@types/node': '26.6.6',
  preact: '11.2.0',
  vue: '3.5.45',
  typescript: '6.0.3',
} as const;

/**
 * What the framework pages' tests (framework-samples.test.ts) install beside
 * the package, pinned: each page's framework in a project of its own. Apart
 * from VERSIONS, which package.test.ts installs whole into one project.
 * Angular 22 wants TypeScript 6.0 (VERSIONS.typescript); h3 is the version
 * Nuxt 4.6 serves its Nitro routes with, vue-tsc what `nuxi typecheck` runs.
 */
export const FRAMEWORK_VERSIONS = {
  '@angular/common': '22.2.6',
  '@angular/compiler': '22.2.6',
  '@angular/compiler-cli': '22.2.6',
  '@angular/core': '22.2.6',
  '@angular/platform-browser': '22.2.6',
  rxjs: '7.8.2',
  tslib: '2.9.1',
  svelte: '5.59.1',
  'svelte-check': '4.7.8',
  h3: '1.15.11',
  'vue-tsc': '3.3.14',
} as const;

let tarball: string | null = null;

/**
 * The package as a merchant gets it: `npm pack` of the built repository (npm
 * test built it first), once per test run. Returns the tarball's path.
 */
export function packedTarball(): string {
  if (tarball !== null) return tarball;
  const into = mkdtempSync(join(tmpdir(), 'kyc-pack-'));
  const packed = run('npm', ['pack', '--pack-destination', into, '--silent'], root);
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const file = readdirSync(into).find((name) => name.endsWith('.tgz'));
  if (file === undefined) throw new Error('npm pack wrote no tarball');
  tarball = join(into, file);
  return tarball;
}

/**
 * A fresh project outside the repository with the tarball installed from file
 * (no workspace link, no path back to our sources) and `dependencies` from the
 * registry. Returns its directory.
 */
export function installedProject(name: string, dependencies: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), `kyc-${name}-`)), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module' }, null, 2),
  );
  const specs = [packedTarball(), ...Object.entries(dependencies).map(([n, v]) => `${n}@${v}`)];
  const installed = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-exact', ...specs],
    dir,
    240_000,
  );
  if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
  return dir;
}

/** Runs a command to its end; its output as text. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  timeout = 120_000,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
      ...env,
    },
  });
}
