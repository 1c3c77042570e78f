import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { playPhone, sandboxAdmin } from '../../scripts/lib/sandbox-client.mjs';
import { freePort, type Stack } from '../../scripts/lib/stack.mjs';
import { root } from './installed';

/** The recipes of docs/servers.md, and what runs each of their three programs. */
export interface Recipe {
  name: 'php' | 'python' | 'java';
  /** argv of the exchange program, without the token. */
  exchange: string[];
  /** argv of the feed follower, without the state file and flags. */
  follow: string[];
  /** argv of the webhook receiver for a port (the server prints where it listens). */
  verify: (port: number) => string[];
  /** Which stream carries the verified events' JSON lines. */
  eventsOn: 'stdout' | 'stderr';
}

export const recipesDir = join(root, 'recipes');

/** `python3 -c` this with a file: compiled as py_compile does, leaving no __pycache__. */
export const PYTHON_SYNTAX_OF_FILE =
  "import sys; f = sys.argv[1]; compile(open(f, 'rb').read(), f, 'exec')";

/** The Debian package to install for each tool the recipes run. */
const PACKAGES: Record<string, string> = {
  php: 'php-cli',
  python3: 'python3',
  javac: 'default-jdk-headless',
  java: 'default-jdk-headless',
};

/** Fails, naming the Debian package, when a tool is missing: never a skip. */
export function requireTool(tool: string): void {
  const flag = tool.startsWith('java') ? '-version' : '--version';
  const probe = spawnSync(tool, [flag], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(
      `${tool} is not installed, and the ${tool === 'python3' ? 'Python' : tool === 'php' ? 'PHP' : 'Java'} recipes need it: apt-get install -y ${PACKAGES[tool]}`,
    );
}

/** Compiles every Java source of recipes/java into a fresh folder: the classpath. */
export function compileJava(): { out: string; result: SpawnSyncReturns<string> } {
  requireTool('javac');
  const out = mkdtempSync(join(tmpdir(), 'kyc-recipes-java-'));
  const dir = join(recipesDir, 'java');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.java'));
  const result = spawnSync('javac', ['-Werror', '-d', out, ...sources.map((f) => join(dir, f))], {
    encoding: 'utf8',
  });
  return { out, result };
}

export function recipesFor(javaClasses: string): Recipe[] {
  const php = join(recipesDir, 'php');
  const python = join(recipesDir, 'python');
  return [
    {
      name: 'php',
      exchange: ['php', join(php, 'exchange.php')],
      follow: ['php', join(php, 'follow-feed.php')],
      verify: (port) => ['php', '-S', `127.0.0.1:${port}`, join(php, 'verify-webhook.php')],
      eventsOn: 'stderr',
    },
    {
      name: 'python',
      exchange: ['python3', join(python, 'exchange.py')],
      follow: ['python3', join(python, 'follow_feed.py')],
      verify: (port) => ['python3', join(python, 'verify_webhook.py'), String(port)],
      eventsOn: 'stdout',
    },
    {
      name: 'java',
      exchange: ['java', '-cp', javaClasses, 'Exchange'],
      follow: ['java', '-cp', javaClasses, 'FollowFeed'],
      verify: (port) => ['java', '-cp', javaClasses, 'VerifyWebhook', String(port)],
      eventsOn: 'stdout',
    },
  ];
}

/** This process's environment without the recipes' settings: each run sets its own. */
function outside(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['PAYPAY_KYC_ENDPOINT', 'MERCHANT_API_TOKEN', 'MERCHANT_WEBHOOK_SECRET'])
    delete env[name];
  // No __pycache__ left in the repository by the Python runs.
  return { ...env, PYTHONDONTWRITEBYTECODE: '1' };
}

/** Runs one program to its end with these environment variables (and no others of ours). */
export function runWith(
  argv: string[],
  env: Record<string, string>,
  timeout = 60_000,
): SpawnSyncReturns<string> {
  const [command, ...args] = argv;
  return spawnSync(command!, args, {
    encoding: 'utf8',
    timeout,
    env: { ...outside(), ...env },
  });
}

/** A program left running; `lines()` is what it printed so far on stdout or stderr. */
export interface Running {
  child: ChildProcess;
  lines: (stream: 'stdout' | 'stderr') => string[];
  stop: () => Promise<number | null>;
}

export function start(argv: string[], env: Record<string, string>): Running {
  const [command, ...args] = argv;
  const child = spawn(command!, args, {
    env: { ...outside(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines: (stream) => text[stream].split('\n').filter((l) => l.trim() !== ''),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The JSON objects among a stream's lines (PHP's server log has other lines too). */
export function jsonLines(lines: string[]): Record<string, unknown>[] {
  return lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A merchant session the sandbox phone approved: its result token. */
export async function resultTokenFor(
  stack: Stack,
  referenceId: string,
): Promise<{ sessionId: string; token: string }> {
  const created = (await (
    await fetch(`${stack.workerUrl}/v1/sessions`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${stack.merchantApiToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ referenceId }),
    })
  ).json()) as { sessionId: string; qrUrl: string };
  expect((await playPhone(created.qrUrl, 'complete')).status).toBe(303);
  const view = async () =>
    (await (await fetch(`${stack.workerUrl}/v1/sessions/${created.sessionId}`)).json()) as {
      status: string;
      resultToken?: string;
    };
  await expect.poll(async () => (await view()).status, { timeout: 15_000 }).toBe('completed');
  return { sessionId: created.sessionId, token: (await view()).resultToken! };
}

/** A kyc or risk notification about the user, once it is in the feed: its notificationId. */
export async function webhookInFeed(
  stack: Stack,
  kind: 'kyc' | 'risk',
  uaid: string,
): Promise<string> {
  const sent = await sandboxAdmin(stack.sandboxUrl, 'POST', '/webhooks', {
    kind,
    userAuthorizationId: uaid,
  });
  expect(sent.status).toBe(200);
  const id = (sent.body as { notificationId: string }).notificationId;
  const seen = async () => {
    const page = (await (
      await fetch(`${stack.workerUrl}/v1/events?limit=1000`, {
        headers: { Authorization: `Bearer ${stack.merchantApiToken}` },
      })
    ).json()) as { events: { notificationId?: string }[] };
    return page.events.some((e) => e.notificationId === id);
  };
  await expect.poll(seen, { timeout: 15_000 }).toBe(true);
  return id;
}

/** A forwarded request as the Worker sent it. */
export interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** MERCHANT_WEBHOOK_URL's stand-in: keeps every delivery, answers 204; listening on loopback. */
export async function recordingReceiver(into: Delivery[]): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      into.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A recipe's webhook receiver on a free port, once it answers (a GET: 405, POST only). */
export async function startVerifier(
  recipe: Recipe,
  secret: string,
): Promise<{ url: string; server: Running }> {
  const port = await freePort();
  const server = start(recipe.verify(port), { MERCHANT_WEBHOOK_SECRET: secret });
  const url = `http://127.0.0.1:${port}/hooks`;
  // expect.poll is for tests only: this runs in beforeAll.
  for (const deadline = Date.now() + 20_000; ;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 405) break;
    if (Date.now() > deadline) {
      await server.stop(); // not left running for afterAll to miss
      throw new Error(
        `${recipe.name}'s verifier did not start: ${server.lines('stderr').join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, server };
}
