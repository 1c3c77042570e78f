import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWranglerConfig } from './wrangler-config';

const root = new URL('../..', import.meta.url).pathname;

describe('deployment', () => {
  it('wrangler deploy --dry-run bundles the Worker with its bindings and assets', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kyc-dry-run-'));
    const run = spawnSync(
      join(root, 'node_modules/.bin/wrangler'),
      ['deploy', '--dry-run', '--outdir', outdir],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_SEND_METRICS: 'false',
          NO_COLOR: '1',
        },
        timeout: 60_000,
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
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
    expect(readFileSync(join(outdir, 'index.js'), 'utf8').length).toBeGreaterThan(10_000);
  });

  it('docs/deploy.md names every var and secret the Worker reads', async () => {
    const text = readFileSync(join(root, 'wrangler.jsonc'), 'utf8');
    const config = await readWranglerConfig(join(root, 'wrangler.jsonc'));
    const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
    const vars = Object.keys(config.vars ?? {});
    // Named in a comment: a `secrets` block would make wrangler dev drop every other name.
    const secrets = ['PAYPAY_API_KEY', 'PAYPAY_API_SECRET', 'MERCHANT_API_TOKEN'];
    expect(config.secrets).toBeUndefined();
    for (const name of secrets) expect(text, name).toContain(name);
    const optional = [
      'PAYPAY_MERCHANT_ID',
      'WEBHOOK_PATH_TOKEN',
      'MERCHANT_WEBHOOK_SECRET',
      'PAYPAY_ENDPOINTS',
      'PAYPAY_FIELDS',
      'USER_KYC_INFO',
      'RESULT_TTL_SECONDS',
      'KYC_RETENTION_SECONDS',
    ];
    expect(vars.length).toBeGreaterThan(5);
    for (const name of [...vars, ...secrets, ...optional]) expect(doc, name).toContain(name);
  });

  it('.dev.vars.example lists every secret the Worker reads, and only those', async () => {
    const config = await readWranglerConfig(join(root, 'wrangler.jsonc'));
    const source = readFileSync(join(root, 'worker/settings/values.ts'), 'utf8');
    const list = /SETTING_NAMES = \[([\s\S]*?)\]/.exec(source)?.[1] ?? '';
    const settings = [...list.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    // Settings that are neither vars nor secrets: optional vars with a default.
    const optionalVars = ['RESULT_TTL_SECONDS', 'KYC_RETENTION_SECONDS'];
    const vars = Object.keys(config.vars ?? {});
    const secrets = settings.filter((name) => !vars.includes(name) && !optionalVars.includes(name));
    const example = readFileSync(join(root, '.dev.vars.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!);
    expect(settings.length).toBeGreaterThan(20);
    expect(listed.sort()).toEqual(secrets.sort());
  });
});
