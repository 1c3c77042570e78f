// `node scripts/build-sandbox.mjs [--outdir <dir>]`: the PayPay sandbox as the
// package ships it, for `paypay-kyc sandbox` (cli/sandbox.mjs) to run on the
// merchant's own wrangler without our TypeScript sources: sandbox/index.ts
// bundled into <outdir>/index.js, and <outdir>/wrangler.json with the sandbox
// config's bindings, Durable Object classes, migrations and vars, read from
// sandbox/wrangler.jsonc (or sandbox/wrangler.toml) by wrangler's own reader.
// Default outdir: dist/sandbox, which dist/.assetsignore keeps out of the
// Worker's static assets (the Worker serves dist/).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { experimental_readRawConfig } from 'wrangler';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: { outdir: { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const dist = join(root, 'dist');
const outdir = resolve(values.outdir ?? join(dist, 'sandbox'));

const configPath = ['sandbox/wrangler.jsonc', 'sandbox/wrangler.json', 'sandbox/wrangler.toml']
  .map((file) => join(root, file))
  .find((file) => existsSync(file));
if (!configPath) throw new Error('No sandbox/wrangler.jsonc, .json or .toml to read.');
const { rawConfig } = experimental_readRawConfig({ config: configPath });
if (typeof rawConfig.main !== 'string') throw new Error(`${configPath} names no main module.`);

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [join(configPath, '..', rawConfig.main)],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['cloudflare:*', 'node:*'],
  legalComments: 'none',
  logLevel: 'warning',
});

// Everything the config says, but the entry is the bundle, already bundled, and
// the schema path pointed into our node_modules.
const { $schema: _schema, main: _main, ...config } = rawConfig;
const shipped = { ...config, main: 'index.js', no_bundle: true };
writeFileSync(join(outdir, 'wrangler.json'), `${JSON.stringify(shipped, null, 2)}\n`);

// The Worker serves dist/ as static assets: the sandbox is no asset of it.
if (outdir.startsWith(`${dist}/`)) {
  const ignore = join(dist, '.assetsignore');
  const entry = `${relative(dist, outdir)}/`;
  const lines = existsSync(ignore) ? readFileSync(ignore, 'utf8').split('\n') : [];
  if (!lines.includes(entry)) {
    writeFileSync(ignore, [...lines.filter((line) => line !== ''), entry].join('\n') + '\n');
  }
}

if (!values.quiet) {
  const size = readFileSync(join(outdir, 'index.js')).length;
  console.log(
    `${relative(root, outdir) || outdir}/index.js  ${(size / 1024).toFixed(1)} KiB, wrangler.json from ${relative(root, configPath)}`,
  );
}
