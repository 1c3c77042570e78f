import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/stack.mjs';
import { namedFile, samplesOf } from './docs';
import { run } from './installed';
import { launch } from './support';
import { templateProject } from './template';

/**
 * docs/quickstart.md followed step by step in a fresh folder: the three-file
 * Worker of deploy.md with the installed package, the `.dev.vars`, `paypay-kyc
 * sandbox`, `wrangler dev`, the page and `server.mjs` from the doc, Chromium
 * on the page, and `paypay-kyc approve` with the command the page shows.
 * Nothing of ours but the package. The doc's ports are moved to free ones, so
 * a stack already running here (npm start) does not matter.
 */
const DOC = 'docs/quickstart.md';
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on('exit', resolve))),
    ),
  );
});

/** Starts a command that keeps running; resolves once `ready` matches its output. */
function start(command: string, args: string[], cwd: string, ready: RegExp): Promise<string[]> {
  const child = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    },
  });
  children.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} ${args.join(' ')} not ready:\n${lines.join('\n')}`)),
      60_000,
    );
    const read = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n'));
      if (ready.test(lines.join('\n'))) {
        clearTimeout(timer);
        resolve(lines);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) =>
      reject(new Error(`${command} exited ${code}:\n${lines.join('\n')}`)),
    );
  });
}

describe('docs/quickstart.md, followed as a new user would', () => {
  it('ends with a verified user in the sandbox, without a PayPay account', async () => {
    const began = Date.now();
    const [worker, sandbox, page, inspector] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const ported = (text: string) =>
      text
        .replaceAll('127.0.0.1:8787', `127.0.0.1:${worker}`)
        .replaceAll('127.0.0.1:8788', `127.0.0.1:${sandbox}`)
        .replaceAll('127.0.0.1:3000', `127.0.0.1:${page}`)
        .replace('.listen(3000,', `.listen(${page},`);
    const samples = samplesOf(DOC).map((s) => ({ ...s, code: ported(s.code) }));
    const shell = samples.filter((s) => s.lang === 'sh').map((s) => s.code);

    // 1. The three files of deploy.md, npm install (the package from its tarball).
    const dir = templateProject();

    // 2. .dev.vars, by the doc's own command.
    const devVars = shell.find((code) => code.includes('cat > .dev.vars'))!;
    const wrote = run('bash', ['-ec', devVars], dir);
    expect(wrote.status, wrote.stderr).toBe(0);

    // 3. The sandbox and the Worker, each told its moved port.
    expect(shell.some((code) => code.startsWith('npx paypay-kyc sandbox'))).toBe(true);
    expect(shell.some((code) => code.startsWith('npx wrangler dev'))).toBe(true);
    await start(
      join(dir, 'node_modules/.bin/paypay-kyc'),
      ['sandbox', '--port', String(sandbox), '--worker', `http://127.0.0.1:${worker}`],
      dir,
      /PayPay sandbox on http/,
    );
    await start(
      join(dir, 'node_modules/.bin/wrangler'),
      // The inspector's port too: other stacks of the test run hold the default one.
      ['dev', '--port', String(worker), '--ip', '127.0.0.1', '--inspector-port', String(inspector)],
      dir,
      /Ready on http/,
    );
    const health = await fetch(`http://127.0.0.1:${worker}/healthz`);
    expect(health.status).toBe(200);

    // 4. The page and the server, as the doc writes them.
    for (const s of samples.filter((s) => namedFile(s) !== null)) {
      if (s.lang === 'html' || s.lang === 'js') writeFileSync(join(dir, namedFile(s)!), s.code);
    }
    const served = await start(process.execPath, ['server.mjs'], dir, /open http/);

    // 5. Open the page; run the command it shows; see it verified.
    const browser = await launch();
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${page}/`);
      const next = tab.locator('#next');
      await expect
        .poll(() => next.textContent(), { timeout: 20_000 })
        .toMatch(/^Now: npx paypay-kyc approve /);
      const command = (await next.textContent())!.replace(/^Now: npx /, '').split(' ');
      const approved = run(
        join(dir, 'node_modules/.bin/paypay-kyc'),
        command.slice(1),
        dir,
        60_000,
        {
          PAYPAY_KYC_ENDPOINT: `http://127.0.0.1:${worker}`,
          PAYPAY_KYC_SANDBOX: `http://127.0.0.1:${sandbox}`,
        },
      );
      expect(approved.status, `${approved.stdout}${approved.stderr}`).toBe(0);
      await expect.poll(() => next.textContent(), { timeout: 20_000 }).toBe('Verified');
      await expect.poll(() => served.join('\n'), { timeout: 5_000 }).toMatch(/^verified \S+ .+/m);
    } finally {
      await browser.close();
    }
    console.log(`quickstart followed in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }, 240_000);
});
