import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, freePort } from '../../scripts/stack.mjs';
import { api, merchant, openApiProblems, stack } from './support';

const root = new URL('../..', import.meta.url).pathname;
const CLI = join(root, 'cli/paypay-kyc.mjs');
const doc = readFileSync(join(root, 'docs/cli.md'), 'utf8');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `paypay-kyc <args>` as a merchant runs it: the token only in its environment. */
async function cli(args: string[], env: Record<string, string> = {}, cwd = root): Promise<Run> {
  const run = await new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { ...process.env, MERCHANT_API_TOKEN: stack().merchantApiToken, ...env },
        timeout: 45_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
  // Never the merchant token, on either stream, whatever the outcome.
  expect(run.stdout + run.stderr).not.toContain(stack().merchantApiToken);
  return run;
}

const onWorker = () => ['--endpoint', stack().workerUrl];
const onSandbox = () => ['--sandbox', stack().sandboxUrl];

interface Event {
  id: string;
  type: string;
  userAuthorizationId?: string;
  notificationId?: string;
}

/** `events --json` after `after`: the events and the cursor it ends at. */
async function events(after?: string, limit = 100): Promise<{ events: Event[]; cursor: string }> {
  const args = ['events', ...onWorker(), '--json', '--limit', String(limit)];
  const run = await cli(after === undefined ? args : [...args, '--after', after]);
  expect(run.code, run.stderr).toBe(0);
  const cursor = /^cursor (\d+)$/m.exec(run.stderr)?.[1];
  expect(cursor).toBeDefined();
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  return { events: lines.map((line) => JSON.parse(line) as Event), cursor: cursor! };
}

async function trigger(kind: string, uaid: string): Promise<string> {
  const run = await cli(['trigger', kind, uaid, ...onSandbox(), '--json']);
  expect(run.code, run.stderr).toBe(0);
  const answer = JSON.parse(run.stdout) as { notificationId: string; deliveries: unknown[] };
  expect(answer.deliveries).toEqual([{ status: 200, attempts: 1 }]);
  return answer.notificationId;
}

describe('paypay-kyc: usage', () => {
  const flags: Record<string, string[]> = {
    doctor: ['--endpoint', '--token', '--json'],
    sandbox: ['--port', '--worker', '--persist-to', '--merchant-options', '--json'],
    trigger: ['--sandbox', '--api-key', '--notification-id', '--copies', '--json'],
    recon: ['--ids', '--sandbox', '--api-key', '--create-only', '--json'],
    approve: ['--outcome', '--endpoint', '--sandbox', '--api-key', '--non-ekyc', '--identity'],
    events: ['--endpoint', '--token', '--after', '--limit', '--follow', '--interval', '--json'],
  };

  it('--help of the tool lists every command (exit 0)', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const name of Object.keys(flags)) expect(run.stdout).toContain(`\n  ${name} `);
  });

  it.each(Object.entries(flags))('%s --help names its flags (exit 0)', async (name, names) => {
    const run = await cli([name, '--help']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(new RegExp(`^Usage: paypay-kyc ${name}`));
    for (const flag of [...names, '--help']) expect(run.stdout, flag).toContain(`  ${flag}`);
    // docs/cli.md documents every flag the help names.
    for (const [, flag] of run.stdout.matchAll(/^ {2}(--[a-z-]+)/gm))
      expect(doc).toContain(`\`${flag}`);
  });

  it('an unknown command, an unknown flag, no command: usage on stderr, exit 2', async () => {
    for (const args of [['bogus'], [], ['--bogus'], ['events', '--bogus'], ['trigger', 'x', 'u']]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: paypay-kyc');
    }
  });
});

describe('paypay-kyc: the bearer never goes over plain http to another machine', () => {
  it.each(['doctor', 'events'])(
    '%s refuses an http --endpoint that is not loopback, naming its host (exit 2)',
    async (command) => {
      for (const endpoint of ['http://kyc.example', 'http://192.0.2.10:8787']) {
        const run = await cli([command, '--endpoint', endpoint]);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toContain(`plain http to ${new URL(endpoint).hostname}`);
        expect(run.stderr).toContain('not a loopback host');
        expect(run.stderr).not.toContain('Could not reach');
      }
    },
  );
});

describe('paypay-kyc against the stack', () => {
  it('trigger makes the sandbox send a webhook; events shows what the Worker recorded', async () => {
    const uaid = `cli-${crypto.randomUUID()}`;
    const notificationId = await trigger('kyc', uaid);
    const { events: seen } = await events();
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'kyc.updated', userAuthorizationId: uaid, notificationId }),
    );
    const text = await cli(['events', ...onWorker()]);
    expect(text.stdout).toMatch(new RegExp(`kyc\\.updated +${uaid}  source=webhook`));
  });

  it('events --json pages by --limit and resumes after the cursor it printed', async () => {
    const { cursor: before } = await events();
    const uaid = `cli-${crypto.randomUUID()}`;
    const sent: string[] = [];
    for (const kind of ['kyc', 'risk', 'account-status']) sent.push(await trigger(kind, uaid));
    const paged = await events(before, 1);
    const ids = paged.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const mine = paged.events.filter((e) => e.userAuthorizationId === uaid && e.notificationId);
    expect(mine.map((e) => [e.type, e.notificationId])).toEqual([
      ['kyc.updated', sent[0]],
      ['risk.flagged', sent[1]],
      ['account_status.updated', sent[2]],
    ]);
    expect(Number(paged.cursor)).toBeGreaterThan(Number(before));
    const after = await events(paged.cursor);
    expect(after.events.map((e) => e.id).filter((id) => ids.includes(id))).toEqual([]);
    const wrong = await cli(['events', ...onWorker(), '--after', 'x']);
    expect(wrong.code).toBe(2);
    const refused = await cli(['events', ...onWorker()], {
      MERCHANT_API_TOKEN: 'not-the-token-0123456789',
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused the token \(401 UNAUTHORIZED\)/);
  });

  it('recon makes and announces a file; the Worker reads it and reports the users it missed', async () => {
    const run = await cli(['recon', 'kyc', '--ids', '2', ...onSandbox(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const file = JSON.parse(run.stdout) as {
      fileType: string;
      fileName: string;
      userAuthorizationIds: string[];
      deliveries: unknown[];
    };
    expect(file.fileType).toBe('kyc_passport_sync_recon');
    expect(file.fileName).toMatch(/^kyc_passport_.+\.csv$/);
    expect(file.userAuthorizationIds).toHaveLength(2);
    expect(file.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    expect(run.stdout).not.toContain('token=');
    const deadline = Date.now() + 20_000;
    let missed: Event[] = [];
    while (missed.length < 2 && Date.now() < deadline) {
      const { events: seen } = await events();
      missed = seen.filter(
        (e) =>
          e.type === 'recon.missed' && file.userAuthorizationIds.includes(e.userAuthorizationId!),
      );
      if (missed.length < 2) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(missed).toHaveLength(2);
    const created = await cli([
      'recon',
      'risk',
      'user-a',
      'user-b',
      ...onSandbox(),
      '--create-only',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /^Created kyc_passport_risk_.+ \(2 users\), not announced; download: http/,
    );
  });

  it('approve <sessionId> plays the phone for a session made through the Worker: completed', async () => {
    const created = await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ referenceId: 'cli-approve' }),
    });
    expect(created.status).toBe(201);
    const { sessionId } = created.json() as { sessionId: string };
    const run = await cli(['approve', sessionId, ...onWorker(), ...onSandbox()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Phone: complete \(the sandbox answered 303\)$/m);
    expect(run.stdout).toMatch(
      /^Callback: 200 completed \(Worker request id: req_[0-9a-f]{24}\)$/m,
    );
    expect(run.stdout).toMatch(/^Session: completed$/m);
    const view = (await api(`/v1/sessions/${sessionId}`)).json() as {
      status: string;
      resultToken: string;
    };
    expect(view.status).toBe('completed');
    expect(run.stdout + run.stderr).not.toContain(view.resultToken);
    expect(run.stdout).not.toContain('responseToken');
    // Answered already: nothing to approve.
    const again = await cli(['approve', sessionId, ...onWorker(), ...onSandbox()]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is completed, not pending');
  });

  it('approve <qrUrl> --outcome decline: the session fails as declined; an unknown outcome is refused', async () => {
    const created = await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    const { sessionId, qrUrl } = created.json() as { sessionId: string; qrUrl: string };
    const unknown = await cli(['approve', qrUrl, '--outcome', 'shrug']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('complete, decline, kyc_not_completed');
    const run = await cli(['approve', qrUrl, '--outcome', 'decline', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'decline',
      phone: { status: 303 },
      callback: { status: 200, page: 'failed' },
    });
    const view = (await api(`/v1/sessions/${sessionId}`)).json();
    expect(view).toMatchObject({ status: 'failed', error: { reason: 'declined' } });
  });

  it('doctor runs the checks of the doctor route (exit 0)', async () => {
    const run = await cli(['doctor', ...onWorker(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { check: string; ok: boolean }[];
    const checks = 'settings clock signature scopes endpoints callback webhooks recon';
    expect(rows.map((row) => row.check)).toEqual(checks.split(' '));
    expect(rows.every((row) => row.ok)).toBe(true);
  });

  it('every Worker answer of this file matches docs/openapi.json', () => {
    expect(openApiProblems()).toEqual([]);
  });
});

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
    // sandbox/wrangler.jsonc and scripts/stack.mjs name the same default merchant.
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
