import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { verifyReceipt } from '../../server/index';
import {
  compileJava,
  recordingReceiver,
  type Delivery,
  jsonLines,
  PYTHON_SYNTAX_OF_FILE,
  recipesDir,
  recipesFor,
  requireTool,
  resultTokenFor,
  runWith,
  start,
  startVerifier,
  type Recipe,
  type Running,
  webhookInFeed,
} from './recipes';

// The recipes of docs/servers.md, run as a merchant runs them, against a stack of
// their own that forwards its events here (the shared one forwards nowhere); each
// verifier checks real forwarded events and the official JS library's signatures.

const PERSIST = `.wrangler/test-e2e-recipes-${process.pid}`;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const deliveries: Delivery[] = [];
let receiver: Server;
let stack: Stack;
let recipes: Recipe[] = [];
let javaCompile: ReturnType<typeof compileJava>;
const verifiers = new Map<string, { url: string; server: Running }>();

beforeAll(async () => {
  for (const tool of ['php', 'python3', 'java']) requireTool(tool);
  javaCompile = compileJava();
  recipes = recipesFor(javaCompile.out);
  receiver = await recordingReceiver(deliveries);
  const { port } = receiver.address() as AddressInfo;
  stack = await startStack({
    demo: false,
    persistTo: PERSIST,
    workerOverrides: {
      MERCHANT_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      MERCHANT_WEBHOOK_SECRET: SECRET,
    },
    log: (line) => {
      if (/error/i.test(line)) console.error(line);
    },
  });
  for (const recipe of recipes) verifiers.set(recipe.name, await startVerifier(recipe, SECRET));
});

afterAll(async () => {
  await Promise.all([...verifiers.values()].map((v) => v.server.stop()));
  await stack?.stop();
  rmSync(PERSIST, { recursive: true, force: true });
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
});

const merchantEnv = () => ({
  PAYPAY_KYC_ENDPOINT: stack.workerUrl,
  MERCHANT_API_TOKEN: stack.merchantApiToken,
});

describe.each(['php', 'python', 'java'] as const)(
  'the %s recipe against a running stack',
  (name) => {
    const recipe = () => recipes.find((r) => r.name === name)!;
    let uaid = '';
    let notificationId = '';

    it('compiles', () => {
      if (name === 'java') {
        expect(javaCompile.result.stderr).toBe('');
        expect(javaCompile.result.status).toBe(0);
        return;
      }
      const dir = join(recipesDir, name);
      const files = readdirSync(dir).filter((f) => /\.(php|py)$/.test(f));
      expect(files.length).toBe(4);
      for (const file of files) {
        const argv = name === 'php' ? ['php', '-l'] : ['python3', '-c', PYTHON_SYNTAX_OF_FILE];
        const result = runWith([...argv, join(dir, file)], {});
        expect(result.status, result.stderr + result.stdout).toBe(0);
      }
    });

    it('exchanges a real result token once, then says why not', async () => {
      const { sessionId, token } = await resultTokenFor(stack, `recipe-${name}`);
      const first = runWith([...recipe().exchange, token], merchantEnv());
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout.trim().split('\n')).toHaveLength(1);
      const released = JSON.parse(first.stdout) as {
        sessionId: string;
        mode: string;
        referenceId: string;
        userAuthorizationId: string;
        kyc: object;
        claims: object;
        receipt: string;
      };
      expect(released).toMatchObject({
        sessionId,
        mode: 'merchant',
        referenceId: `recipe-${name}`,
      });
      expect(Object.keys(released.kyc).length).toBeGreaterThan(0);
      // The printed JSON is the answer, value for value: its receipt's digest still holds.
      await expect(
        verifyReceipt(released.receipt, released, { endpoint: stack.workerUrl }),
      ).resolves.toMatchObject({ sid: sessionId.split('.')[0] });
      uaid = released.userAuthorizationId;

      const again = runWith([...recipe().exchange, token], merchantEnv());
      expect(again.status).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toMatch(/410 RESULT_ALREADY_EXCHANGED.*exchanged before.*request req_/);
      const unknown = runWith([...recipe().exchange, `rt1.${'x'.repeat(40)}`], merchantEnv());
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/RESULT_NOT_FOUND|INVALID_FIELD/);
      const wrong = runWith([...recipe().exchange, token], {
        ...merchantEnv(),
        MERCHANT_API_TOKEN: 'nope-1234',
      });
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/401 UNAUTHORIZED/);
      for (const r of [first, again, unknown, wrong])
        expect(r.stdout + r.stderr).not.toContain(stack.merchantApiToken);
      const tokenless = runWith([...recipe().exchange, token], {
        PAYPAY_KYC_ENDPOINT: stack.workerUrl,
      });
      expect([tokenless.status, tokenless.stderr]).toEqual([
        2,
        expect.stringMatching(/MERCHANT_API_TOKEN is not set/),
      ]);
      const plain = runWith([...recipe().exchange, token], {
        ...merchantEnv(),
        PAYPAY_KYC_ENDPOINT: 'http://kyc.example.com',
      });
      expect([plain.status, plain.stderr]).toEqual([
        2,
        expect.stringMatching(/plain http.*use https/),
      ]);
    });

    it('follows the feed: each event once, across restarts and a crash mid-page', async () => {
      expect(uaid).not.toBe('');
      notificationId = await webhookInFeed(stack, 'kyc', uaid);
      await webhookInFeed(stack, 'risk', uaid); // a page of two at least, for the crash below
      const dir = mkdtempSync(join(tmpdir(), `kyc-recipe-feed-${name}-`));
      const state = join(dir, 'state.json');
      const first = runWith([...recipe().follow, state, '--once'], merchantEnv());
      expect(first.status, first.stderr).toBe(0);
      const events = jsonLines(first.stdout.split('\n'));
      const ids = events.map((e) => e.id as string);
      expect(new Set(ids).size).toBe(ids.length);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'kyc.updated', userAuthorizationId: uaid, notificationId }),
      );
      // Caught up: a restart prints none of them again (only what came since, if anything).
      const again = runWith([...recipe().follow, state, '--once'], merchantEnv());
      expect(again.status).toBe(0);
      const since = jsonLines(again.stdout.split('\n')).map((e) => e.id as string);
      expect(since.filter((id) => ids.includes(id))).toEqual([]);
      // Stopped after printing the first event of the page: the rest, not the first again.
      const crashed = join(dir, 'crashed.json');
      writeFileSync(crashed, JSON.stringify({ after: '', done: [ids[0]] }));
      const resumed = runWith([...recipe().follow, crashed, '--once'], merchantEnv());
      const resumedIds = jsonLines(resumed.stdout.split('\n')).map((e) => e.id);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(resumedIds).not.toContain(ids[0]);
      expect(resumedIds.slice(0, ids.length - 1)).toEqual(ids.slice(1));

      // Following: a new event shows up while it polls; stopped and restarted, not again.
      const follower = start([...recipe().follow, state, '--interval', '1'], merchantEnv());
      const later = await webhookInFeed(stack, 'kyc', uaid);
      const printed = () => jsonLines(follower.lines('stdout'));
      await expect
        .poll(() => printed().map((e) => e.notificationId), { timeout: 15_000 })
        .toContain(later);
      await follower.stop();
      const newIds = printed().map((e) => e.id as string);
      const seen = [...ids, ...since];
      expect(newIds.filter((id) => seen.includes(id))).toEqual([]);
      expect(new Set(newIds).size).toBe(newIds.length);
      const after = runWith([...recipe().follow, state, '--once'], merchantEnv());
      expect(after.status).toBe(0);
      const repeated = jsonLines(after.stdout.split('\n')).map((e) => e.id as string);
      expect(repeated.filter((id) => [...seen, ...newIds].includes(id))).toEqual([]);
    });

    it('verifies a real forwarded event, and refuses a changed copy', async () => {
      expect(notificationId).not.toBe('');
      const delivered = () =>
        deliveries.find(
          (d) =>
            (JSON.parse(d.body.toString('utf8')) as { data: { notificationId?: string } }).data
              .notificationId === notificationId,
        );
      await expect.poll(delivered, { timeout: 15_000 }).toBeDefined();
      const { headers, body } = delivered()!;
      const { url, server } = verifiers.get(name)!;
      const forward = (payload: Buffer | string) =>
        fetch(url, {
          method: 'POST',
          body: typeof payload === 'string' ? payload : new Uint8Array(payload),
          headers: {
            'webhook-id': String(headers['webhook-id']),
            'webhook-timestamp': String(headers['webhook-timestamp']),
            'webhook-signature': String(headers['webhook-signature']),
          },
        });
      expect((await forward(body)).status).toBe(204);
      const eventId = String(headers['webhook-id']);
      await expect
        .poll(() => jsonLines(server.lines(recipe().eventsOn)).map((e) => e.id))
        .toContain(eventId);
      const changed = body.toString('utf8').replace('"kyc.updated"', '"risk.flagged"');
      const refused = await forward(changed);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    });

    it('accepts what the official JavaScript library signs, and nothing else', async () => {
      const { url, server } = verifiers.get(name)!;
      const official = new Webhook(SECRET);
      const id = `ev_js_${name}_${randomBytes(4).toString('hex')}`;
      const payload = JSON.stringify({
        type: 'kyc.updated',
        timestamp: new Date().toISOString(),
        data: { id, type: 'kyc.updated', source: 'webhook', name: '山田 太郎' },
      });
      const at = (
        date: Date,
        signer = official,
        body = payload,
        extra: Record<string, string> = {},
      ) =>
        fetch(url, {
          method: 'POST',
          body,
          headers: {
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
            'webhook-signature': signer.sign(id, date, payload),
            ...extra,
          },
        }).then(async (r) => [
          r.status,
          r.status === 204 ? null : ((await r.json()) as { error: { code: string } }).error.code,
        ]);
      const now = new Date();
      expect(await at(now)).toEqual([204, null]);
      await expect
        .poll(() => jsonLines(server.lines(recipe().eventsOn)).find((e) => e.id === id))
        .toMatchObject({ name: '山田 太郎' });
      expect(await at(now, official, payload.replace('太郎', '次郎'))).toEqual([
        401,
        'INVALID_SIGNATURE',
      ]);
      expect(await at(new Date(now.getTime() - 301_000))).toEqual([401, 'TIMESTAMP_TOO_OLD']);
      expect(await at(new Date(now.getTime() + 301_000))).toEqual([401, 'TIMESTAMP_TOO_NEW']);
      const stranger = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
      expect(await at(now, stranger)).toEqual([401, 'INVALID_SIGNATURE']);
      // Several signatures (a rotated secret): any one that matches will do.
      const both = `${stranger.sign(id, now, payload)} ${official.sign(id, now, payload)}`;
      expect(await at(now, official, payload, { 'webhook-signature': both })).toEqual([204, null]);
      expect(await at(now, official, payload, { 'webhook-timestamp': 'soon' })).toEqual([
        400,
        'INVALID_TIMESTAMP',
      ]);
      expect(await at(now, official, payload, { 'webhook-signature': '' })).toEqual([
        400,
        'MISSING_HEADERS',
      ]);
      const notEvent = '{"hello":"world"}';
      const signed = official.sign(id, now, notEvent);
      expect(await at(now, official, notEvent, { 'webhook-signature': signed })).toEqual([
        400,
        'INVALID_PAYLOAD',
      ]);
    });
  },
);

it('the servers say which Standard Webhooks implementation checks the signatures', () => {
  for (const name of ['python', 'java'] as const)
    expect(verifiers.get(name)!.server.lines('stderr').join('\n')).toMatch(
      /listening on 127\.0\.0\.1:\d+ \((standard-library fallback|[\w.]+ \(official\))\)/,
    );
});
