// `paypay-kyc sandbox`: runs the PayPay stand-in (the package's dist/sandbox,
// built by scripts/build-sandbox.mjs) on the merchant's own wrangler, on
// loopback, until SIGINT / SIGTERM; prints its URL and the settings a local
// Worker needs to use it. Local use only: it signs tokens with any secret.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CannotRun, UsageError, originOf, parse, sleep } from './common.mjs';

export const summary = 'run the PayPay sandbox locally (on your wrangler) for development and CI';

export const usage = `Usage: paypay-kyc sandbox [--port 8788] [--worker <local Worker URL>] [--persist-to <dir>]

Runs the PayPay stand-in with \`wrangler dev\` (your project's wrangler, a peer
dependency) until Ctrl-C or SIGTERM, and prints its URL and the settings your
local Worker needs. Local use only: never next to real PayPay credentials.

  --port <n>                 the port (default 8788)
  --ip <address>             the address to listen on (default 127.0.0.1)
  --worker <url>             your local Worker: where the sandbox sends webhooks and
                             recon notices (<url>/v1/webhooks/paypay/<kind>); default
                             http://127.0.0.1:8787, where \`wrangler dev\` listens
  --merchant-options <json>  the default merchant's variants (SANDBOX_MERCHANT_OPTIONS,
                             e.g. '{"webhookRetries":"faq10"}')
  --persist-to <dir>         where its state lives (default .wrangler/paypay-kyc-sandbox)
  --json                     print one JSON line {url, apiKey, apiSecret, workerSettings} once ready
  --help                     this text

Exit status: 0 stopped by a signal, 1 wrangler stopped by itself, 2 could not start.`;

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(packageRoot, 'dist', 'sandbox');

export async function run(argv) {
  const options = {
    port: { type: 'string', default: '8788' },
    ip: { type: 'string', default: '127.0.0.1' },
    worker: { type: 'string', default: 'http://127.0.0.1:8787' },
    'merchant-options': { type: 'string' },
    'persist-to': { type: 'string' },
    json: { type: 'boolean', default: false },
  };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port < 1 || port > 65535) {
    throw new UsageError('--port must be a port number (1-65535).', usage);
  }
  const worker = values.worker ? originOf(values.worker, '--worker', usage) : null;
  const merchantOptions = values['merchant-options'] ?? '{}';
  try {
    JSON.parse(merchantOptions);
  } catch {
    throw new UsageError('--merchant-options must be JSON.', usage);
  }
  if (!existsSync(join(BUILT, 'wrangler.json'))) {
    throw new CannotRun(
      `${BUILT} is missing: the package was built without the sandbox (in our repository: node scripts/build-sandbox.mjs).`,
    );
  }
  const wrangler = findWrangler(process.cwd());
  // Checked first: /healthz of whatever already listens there would pass for ours.
  if (!(await canListen(values.ip, port))) {
    throw new CannotRun(`${values.ip}:${port} is in use: pick another --port.`);
  }
  const host = values.ip === '0.0.0.0' ? '127.0.0.1' : values.ip;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // A copy to run from: wrangler writes .wrangler/ beside its config, and an
  // installed package is no place for that.
  const workdir = mkdtempSync(join(tmpdir(), 'paypay-kyc-sandbox-'));
  const config = JSON.parse(readFileSync(join(BUILT, 'wrangler.json'), 'utf8'));
  config.vars = {
    ...config.vars,
    SANDBOX_PUBLIC_URL: url,
    SANDBOX_MERCHANT_OPTIONS: merchantOptions,
    SANDBOX_WEBHOOK_URLS: JSON.stringify(worker ? webhookUrls(worker) : {}),
  };
  cpSync(join(BUILT, 'index.js'), join(workdir, 'index.js'));
  writeFileSync(join(workdir, 'wrangler.json'), JSON.stringify(config, null, 2));

  const persist = resolve(values['persist-to'] ?? join('.wrangler', 'paypay-kyc-sandbox'));
  const child = spawn(
    wrangler.command,
    [
      ...wrangler.args,
      'dev',
      '-c',
      join(workdir, 'wrangler.json'),
      '--ip',
      values.ip,
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      persist,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
    ],
    {
      env: {
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        ...process.env,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const relay = (chunk) => process.stderr.write(`[wrangler] ${chunk}`);
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const exited = new Promise((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  child.once('error', () => undefined);

  let stopping = false;
  const stop = () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const waiting = new AbortController();
  try {
    const ready = await Promise.race([
      healthy(`${url}/healthz`, waiting.signal),
      exited.then(() => false),
    ]);
    if (ready && !stopping) announce(values.json, url, port, host, config.vars, worker);
    else if (!stopping) {
      throw new CannotRun(`wrangler stopped before the sandbox answered ${url}/healthz.`);
    }
    const end = await exited;
    if (stopping) return 0;
    console.error(`wrangler stopped (${end.signal ?? `exit code ${end.code}`}).`);
    return 1;
  } finally {
    waiting.abort();
    stop();
    const grace = new AbortController();
    await Promise.race([exited, sleep(5000, grace.signal)]);
    grace.abort();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    rmSync(workdir, { recursive: true, force: true });
  }
}

/**
 * wrangler: the current project's (node_modules/.bin, from the working directory
 * up), else the one next to this package; how to start it.
 */
function findWrangler(cwd) {
  const names = process.platform === 'win32' ? ['wrangler.cmd', 'wrangler'] : ['wrangler'];
  const places = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    places.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) break;
  }
  // Installed: <project>/node_modules/<us>/node_modules/.bin or <project>/node_modules/.bin.
  places.push(join(packageRoot, 'node_modules', '.bin'), join(packageRoot, '..', '.bin'));
  for (const place of places) {
    for (const name of names) {
      const bin = join(place, name);
      if (existsSync(bin)) {
        return name.endsWith('.cmd')
          ? { command: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', bin] }
          : { command: bin, args: [] };
      }
    }
  }
  throw new CannotRun(
    "wrangler is not installed: paypay-kyc sandbox runs on your project's wrangler (a peer dependency). Install it: npm install --save-dev wrangler",
  );
}

/** The four webhook URLs of a Worker, as scripts/lib/stack.mjs registers them. */
function webhookUrls(worker) {
  const kinds = ['kyc', 'risk', 'account-status', 'recon'];
  return Object.fromEntries(kinds.map((kind) => [kind, `${worker}/v1/webhooks/paypay/${kind}`]));
}

/** What a local Worker sets to talk to this sandbox (the sandbox's own local credentials). */
function announce(json, url, port, host, vars, worker) {
  const settings = {
    PAYPAY_API_BASE_URL: url,
    PAYPAY_API_KEY: vars.SANDBOX_API_KEY,
    PAYPAY_API_SECRET: vars.SANDBOX_API_SECRET,
    RECON_ALLOWED_HOSTS: `${host}:${port}`,
    ...(worker ? { CALLBACK_URL: `${worker}/v1/callback` } : {}),
    // http on loopback and open webhook sources: allowed (with warnings) in development only.
    ENVIRONMENT: 'development',
    WEBHOOK_ALLOWED_CIDRS: '',
  };
  if (json) {
    const line = { url, apiKey: vars.SANDBOX_API_KEY, apiSecret: vars.SANDBOX_API_SECRET };
    console.log(JSON.stringify({ ...line, workerSettings: settings }));
    return;
  }
  const lines = [
    `PayPay sandbox on ${url} (Ctrl-C stops it). Local use only.`,
    '',
    'Your local Worker talks to it with these settings (.dev.vars):',
    ...Object.entries(settings).map(([name, value]) => `${name}="${value}"`),
    '',
    worker
      ? `Webhooks and recon notices go to ${worker}/v1/webhooks/paypay/<kind>.`
      : 'Webhooks go nowhere: start it with --worker <your local Worker URL> to receive them.',
    `paypay-kyc trigger, recon and approve use it with --sandbox ${url} (or PAYPAY_KYC_SANDBOX).`,
  ];
  console.log(lines.join('\n'));
}

/**
 * True once /healthz answers 200 (false when `signal` aborts first); a 503 is the
 * sandbox up and refusing a setting (e.g. --merchant-options): it cannot run.
 */
async function healthy(url, signal) {
  const deadline = Date.now() + 90_000;
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.json().catch(() => null);
      if (response.status === 200) return true;
      if (response.status === 503 && body?.ok === false) {
        throw new CannotRun(`The sandbox refuses its settings: ${body.error}`);
      }
    } catch (error) {
      if (error instanceof CannotRun) throw error;
      // not listening yet
    }
    if (Date.now() > deadline) throw new CannotRun(`The sandbox did not answer ${url}/healthz.`);
    await sleep(250, signal);
  }
  return false;
}

/** Whether `ip:port` is free to listen on right now. */
function canListen(ip, port) {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once('error', () => done(false));
    server.listen(port, ip, () => server.close(() => done(true)));
  });
}

/** A port the OS says is free right now (for wrangler's inspector). */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
