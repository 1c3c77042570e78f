import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, run } from './installed';
import { templateFiles, templateProject } from './template';
import { readWranglerConfig } from './wrangler-config';

describe('the three-file merchant repository of docs/deploy.md', () => {
  it('has the three files, and the settings, bindings, migrations and cron of ours', async () => {
    const files = templateFiles();
    expect(Object.keys(files).sort()).toEqual(['package.json', 'src/index.js', 'wrangler.jsonc']);
    const dir = mkdtempSync(join(tmpdir(), 'kyc-template-config-'));
    writeFileSync(join(dir, 'wrangler.jsonc'), files['wrangler.jsonc']!);
    const theirs = await readWranglerConfig(join(dir, 'wrangler.jsonc'));
    const ours = await readWranglerConfig(join(root, 'wrangler.jsonc'));
    for (const key of [
      'compatibility_date',
      'compatibility_flags',
      'observability',
      'vars',
      'durable_objects',
      'migrations',
      'kv_namespaces',
      'queues',
      'triggers',
    ] as const) {
      expect(theirs[key], key).toEqual(ours[key]);
    }
    expect(theirs.main).toBe('src/index.js');
    expect(theirs.assets).toEqual({ directory: 'node_modules/paypay-kyc-passport/dist' });
    // The entry re-exports every export of the Worker (test/worker/package-exports.test.ts).
    for (const name of [
      'default',
      'VerificationSession',
      'EventFeed',
      'CreationRateLimiter',
      'ReceiptLog',
      'MetricsLog',
    ]) {
      expect(files['src/index.js']).toContain(name);
    }
    const pkg = JSON.parse(files['package.json']!) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(['paypay-kyc-passport']);
    expect(Object.keys(pkg.devDependencies)).toEqual(['wrangler']);
  });

  describe('installed from the packed tarball', () => {
    let project: string;
    beforeAll(() => {
      project = templateProject();
    }, 180_000);

    it('serves the element from the package, versioned copies and headers included', () => {
      const dist = join(project, 'node_modules/paypay-kyc-passport/dist');
      const { version } = JSON.parse(
        readFileSync(join(project, 'node_modules/paypay-kyc-passport/package.json'), 'utf8'),
      ) as { version: string };
      for (const file of [
        '_headers',
        'paypay-kyc-passport.iife.js',
        'paypay-kyc-passport.js',
        `v/${version}/paypay-kyc-passport.iife.js`,
        `v/${version}/paypay-kyc-passport.js`,
        'worker/index.js',
        'worker/index.d.ts',
      ]) {
        // The versioned copies are what docs/embedding.md pins with `integrity`.
        expect(existsSync(join(dist, file)), `${file} in the package's dist/`).toBe(true);
      }
    });

    it('builds with wrangler deploy --dry-run: our Worker, its bindings and the assets', () => {
      const outdir = mkdtempSync(join(tmpdir(), 'kyc-template-out-'));
      const dryRun = run(
        join(project, 'node_modules/.bin/wrangler'),
        ['deploy', '--dry-run', '--outdir', outdir],
        project,
        60_000,
      );
      const output = `${dryRun.stdout}\n${dryRun.stderr}`;
      expect(dryRun.status, output).toBe(0);
      for (const binding of [
        'env.SESSIONS (VerificationSession)',
        'env.RATE_LIMITER (CreationRateLimiter)',
        'env.EVENT_FEED (EventFeed)',
        'env.RECEIPT_LOG (ReceiptLog)',
        'env.METRICS (MetricsLog)',
        'env.KYC_KV',
        'env.INGEST (paypay-kyc-ingest)',
        'env.REREADS (paypay-kyc-rereads)',
      ]) {
        expect(output).toContain(binding);
      }
      expect(output).toMatch(/Read \d+ files from the assets directory/);
      expect(output).toContain('--dry-run: exiting now.');
      const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
      // Our routes and classes, with the npm dependencies inside the package's bundle.
      expect(bundle).toContain('/v1/results/exchange');
      expect(bundle).toMatch(/export\s*\{[^}]*\bEventFeed\b[^}]*\}/);
      expect(bundle).not.toMatch(/from\s*["'](?:jose|itty-router|paypay-kyc-passport)/);
    });
  });
});
