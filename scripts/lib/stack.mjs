// Starts the local stack: the PayPay sandbox, the Worker (pointing at it) and the
// demo merchant site, each on 127.0.0.1. Used by `npm start` and by the e2e tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const wranglerBin = join(root, 'node_modules/.bin/wrangler');

/**
 * The sandbox's default merchant; local only, never a real credential. The key
 * has PayPay's shape (the client ID `a_sandboxKyc`, then `_` and 4 characters),
 * so the Worker derives the client ID its responseTokens carry in `aud`. Also
 * the default of sandbox/wrangler.jsonc, for `paypay-kyc sandbox`.
 */
export const SANDBOX_API_KEY = 'a_sandboxKyc_dev1';
export const SANDBOX_API_SECRET = 'c2FuZGJveF9zZWNyZXRfZm9yX2xvY2FsX2RldmVsb3BtZW50';

/** A port the OS says is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function writeEnvFile(name, values) {
  const dir = join(root, '.wrangler', 'stack');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.env`);
  // Single quotes: dotenv takes such values literally (JSON values keep their quotes).
  const text = Object.entries(values)
    .map(([k, v]) => {
      if (/['\n]/.test(String(v))) throw new Error(`${k} cannot contain a quote or newline`);
      return `${k}='${v}'`;
    })
    .join('\n');
  writeFileSync(file, text + '\n', { mode: 0o600 });
  return file;
}

export function startWrangler(name, args, envFile, log) {
  const child = spawn(
    wranglerBin,
    [
      'dev',
      ...args,
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line) => log(`[${name}] ${line}`));
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  return child;
}

export async function waitForHealth(url, child, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
      // A 503 naming a bad setting is the Worker up and refusing: a test may plant one.
      const body = await response.json().catch(() => null);
      if (response.status === 503 && body?.ok === false) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms`);
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Fires the Worker's scheduled handler at the start of every minute, as the
 * `[triggers]` cron does on Cloudflare: wrangler dev never fires it by itself,
 * so recon retries, re-reads and forwarding retries would never run locally.
 */
export function startCron(workerUrl, log) {
  let timer = null;
  let stopped = false;
  // `at` (epoch ms) stands in for the scheduled time: tests use it to reach a due retry.
  const fire = async (at) => {
    const query = new URLSearchParams({ cron: '* * * * *', ...(at ? { time: String(at) } : {}) });
    try {
      const response = await fetch(`${workerUrl}/cdn-cgi/handler/scheduled?${query}`);
      await response.body?.cancel();
      if (!response.ok) log(`[cron] the scheduled handler answered ${response.status}`);
      return response.ok;
    } catch (error) {
      if (!stopped) log(`[cron] could not reach the Worker (${error.message})`);
      return false;
    }
  };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(
      async () => {
        await fire();
        next();
      },
      60_000 - (Date.now() % 60_000),
    );
    timer.unref?.();
  };
  log(
    "[cron] firing the Worker's scheduled handler every minute, as Cloudflare's cron trigger would",
  );
  next();
  return {
    fire,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts sandbox, Worker and demo site; resolves once all three answer.
 * `workerOverrides` / `sandboxOverrides` add or replace settings (tests and the
 * bench use them, e.g. FEED_SHARDS): written into the env file, they override
 * wrangler.jsonc's vars. `extraOrigins` are allowed beside the demo's.
 * A free port can be taken by another process before wrangler binds it, so a
 * start on chosen-by-us ports is tried again on new ones.
 */
export async function startStack(options = {}) {
  const fixed = options.sandboxPort || options.workerPort || options.demoPort;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(options);
    } catch (error) {
      if (fixed || attempt >= 3) throw error;
      (options.log ?? console.log)(`[stack] start failed (${error.message}); trying other ports`);
    }
  }
}

async function startStackOnce(options) {
  const log = options.log ?? ((line) => console.log(line));
  const host = '127.0.0.1';
  const sandboxPort = options.sandboxPort ?? (await freePort());
  const workerPort = options.workerPort ?? (await freePort());
  const demoPort = options.demoPort ?? (await freePort());
  const sandboxUrl = `http://${host}:${sandboxPort}`;
  const workerUrl = `http://${host}:${workerPort}`;
  const demoUrl = `http://${host}:${demoPort}`;
  const merchantApiToken = options.merchantApiToken ?? randomBytes(24).toString('base64url');
  // One state folder per process: two workerd processes on one SQLite file lock each other out.
  const persist = options.persistTo ?? join(root, '.wrangler', 'state');

  // Per-port names: several stacks (tests, bench, npm start) may run at once.
  const sandboxEnv = writeEnvFile(`sandbox-${sandboxPort}`, {
    SANDBOX_API_KEY,
    SANDBOX_API_SECRET,
    SANDBOX_PUBLIC_URL: sandboxUrl,
    SANDBOX_WEBHOOK_URLS: JSON.stringify({
      kyc: `${workerUrl}/v1/webhooks/paypay/kyc`,
      risk: `${workerUrl}/v1/webhooks/paypay/risk`,
      'account-status': `${workerUrl}/v1/webhooks/paypay/account-status`,
      recon: `${workerUrl}/v1/webhooks/paypay/recon`,
    }),
    ...options.sandboxOverrides,
  });
  const workerEnv = writeEnvFile(`worker-${workerPort}`, {
    PAYPAY_API_BASE_URL: sandboxUrl,
    PAYPAY_API_KEY: SANDBOX_API_KEY,
    PAYPAY_API_SECRET: SANDBOX_API_SECRET,
    // The demo site, and any other local shop a caller runs (the hosted page's e2e test).
    ALLOWED_ORIGINS: [demoUrl, ...(options.extraOrigins ?? [])].join(' '),
    CALLBACK_URL: `${workerUrl}/v1/callback`,
    MERCHANT_API_TOKEN: merchantApiToken,
    RECON_ALLOWED_HOSTS: `${host}:${sandboxPort}`,
    // Local: open webhooks and http on loopback are allowed, with warnings. The Worker
    // honours development only for requests to a loopback host (and its cron only with
    // a loopback CALLBACK_URL): every URL of this stack is on 127.0.0.1.
    ENVIRONMENT: 'development',
    WEBHOOK_ALLOWED_CIDRS: '',
    ...options.workerOverrides,
  });

  const children = [];
  let cron = null;
  const stop = async () => {
    cron?.stop();
    await Promise.all(children.map(stopChild));
    await new Promise((resolve) => (demo ? demo.close(() => resolve()) : resolve()));
  };
  let demo = null;
  try {
    if (options.demo !== false) {
      // Listening first holds the port the Worker's ALLOWED_ORIGINS already names.
      const { startDemoServer } = await import('../../demo/server.mjs');
      demo = await startDemoServer({ port: demoPort, host, workerUrl, merchantApiToken });
    }
    const sandbox = startWrangler(
      'sandbox',
      [
        '-c',
        'sandbox/wrangler.jsonc',
        '--ip',
        host,
        '--port',
        String(sandboxPort),
        '--inspector-port',
        String(await freePort()),
        '--persist-to',
        join(persist, 'sandbox'),
      ],
      sandboxEnv,
      log,
    );
    children.push(sandbox);
    const worker = startWrangler(
      'worker',
      [
        '-c',
        'wrangler.jsonc',
        '--ip',
        host,
        '--port',
        String(workerPort),
        '--inspector-port',
        String(await freePort()),
        '--persist-to',
        join(persist, 'worker'),
        // Exposes the scheduled-handler route on the local Worker only: what the cron below calls.
        ...(options.cron ? ['--test-scheduled'] : []),
      ],
      workerEnv,
      log,
    );
    children.push(worker);
    await Promise.all([
      waitForHealth(`${sandboxUrl}/healthz`, sandbox, 'sandbox'),
      waitForHealth(`${workerUrl}/healthz`, worker, 'worker'),
    ]);
    if (options.cron) cron = startCron(workerUrl, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { sandboxUrl, workerUrl, demoUrl, merchantApiToken, cron, stop };
}
