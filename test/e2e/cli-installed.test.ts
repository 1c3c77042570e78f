import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, SANDBOX_API_KEY, SANDBOX_API_SECRET } from '../../scripts/lib/stack.mjs';
import { root } from './cli';

describe('paypay-kyc sandbox, from an installed package', () => {
  const project = mkdtempSync(join(tmpdir(), 'kyc-cli-project-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("runs the built sandbox on the project's wrangler, answers /healthz, stops on SIGTERM", async () => {
    // What an install holds: cli/ and dist/sandbox/ of the package, no TypeScript;
    // the project's own wrangler in node_modules/.bin.
    const installed = join(project, 'node_modules/paypay-kyc-passport');
    mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
    cpSync(join(root, 'cli'), join(installed, 'cli'), { recursive: true });
    cpSync(join(root, 'package.json'), join(installed, 'package.json'));
    symlinkSync(
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      join(project, 'node_modules/.bin/wrangler'),
    );
    const build = spawnSync(
      process.execPath,
      ['scripts/build-sandbox.mjs', '--quiet', '--outdir', join(installed, 'dist/sandbox')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(build.status, build.stderr).toBe(0);

    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(installed, 'cli/paypay-kyc.mjs'), 'sandbox', '--port', String(port), '--json'],
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      void exited.then(() => reject(new Error(`sandbox exited: ${stderr}`)));
    });
    const ready = JSON.parse(line) as {
      url: string;
      apiKey: string;
      apiSecret: string;
      workerSettings: Record<string, string>;
    };
    expect(ready.url).toBe(`http://127.0.0.1:${port}`);
    // sandbox/wrangler.jsonc and scripts/lib/stack.mjs name the same default merchant.
    expect([ready.apiKey, ready.apiSecret]).toEqual([SANDBOX_API_KEY, SANDBOX_API_SECRET]);
    const { PAYPAY_API_BASE_URL, RECON_ALLOWED_HOSTS } = ready.workerSettings;
    expect([PAYPAY_API_BASE_URL, RECON_ALLOWED_HOSTS]).toEqual([ready.url, `127.0.0.1:${port}`]);
    const health = await fetch(`${ready.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${ready.url}/healthz`)).rejects.toThrow();
  }, 90_000);
});
