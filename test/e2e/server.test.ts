import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sandboxAdmin } from '../../scripts/lib/sandbox-client.mjs';
import type * as Helper from '../../server/index';
import type { FeedEvent, KycPassportError } from '../../server/index';
import { installedProject, run } from './installed';
import { checkWebhook } from './openapi';
import { answers, openApiProblems } from './support';

// The helper and the CLI as a merchant has them: the tarball installed in a
// fresh project (no link to our sources), imported from its node_modules.
let app: string;
let createClient: typeof Helper.createClient;
let verifyEvent: typeof Helper.verifyEvent;
let ErrorClass: typeof Helper.KycPassportError;

// paypay-kyc-passport/server in Node against a real stack under wrangler dev: a
// merchant server creates a session, the "phone" approves it, the server
// exchanges the result, reads the user and the feed, and verifies the events the
// Worker forwards to its MERCHANT_WEBHOOK_URL (a node:http receiver here). A
// stack of its own: the shared one forwards nowhere.

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Delivery {
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const deliveries: Delivery[] = [];
let receiver: Server;
let stack: Stack;

beforeAll(async () => {
  app = installedProject('merchant-server', {});
  const entry = join(app, 'node_modules/paypay-kyc-passport/dist/server/index.js');
  const helper = (await import(pathToFileURL(entry).href)) as typeof Helper;
  ({ createClient, verifyEvent, KycPassportError: ErrorClass } = helper);
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  stack = await startStack({
    demo: false,
    persistTo: `.wrangler/test-e2e-server-${process.pid}`,
    workerOverrides: {
      MERCHANT_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/paypay-kyc`,
      MERCHANT_WEBHOOK_SECRET: SECRET,
    },
    log: (line) => {
      if (/error/i.test(line)) console.error(line);
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The global fetch, each answer also recorded for the OpenAPI check. */
const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const response = await fetch(input, init);
  answers.push({
    method: init?.method ?? 'GET',
    url: String(input),
    status: response.status,
    contentType: response.headers.get('Content-Type') ?? '',
    body: await response.clone().text(),
  });
  return response;
}) as typeof fetch;

async function rejection(promise: Promise<unknown>): Promise<KycPassportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErrorClass);
  const typed = error as KycPassportError;
  expect(typed.message).not.toContain(stack.merchantApiToken);
  return typed;
}

describe('paypay-kyc-passport/server against a running stack', () => {
  let uaid = '';

  it('creates a merchant session, and exchanges its result once after the phone approves', async () => {
    const client = createClient({
      endpoint: stack.workerUrl,
      token: stack.merchantApiToken,
      fetch: recording,
    });
    const created = await client.createSession({
      referenceId: 'customer-server-helper',
      phoneNumber: '+819012345678',
    });
    expect(created.status).toBe('pending');
    expect((await client.session(created.sessionId)).status).toBe('pending');

    // The PayPay user approves on the sandbox's phone page (the installed CLI plays the
    // phone); the phone follows to our callback.
    const played = run(join(app, 'node_modules/.bin/paypay-kyc'), ['approve', created.qrUrl], app);
    expect(played.status, played.stderr).toBe(0);
    await expect
      .poll(async () => (await client.session(created.sessionId)).status, { timeout: 15_000 })
      .toBe('completed');
    const { resultToken } = await client.session(created.sessionId);
    expect(resultToken).toMatch(/^rt1\./);

    const result = await client.exchange(resultToken!);
    expect(result).toMatchObject({
      sessionId: created.sessionId,
      mode: 'merchant',
      referenceId: 'customer-server-helper',
    });
    expect(Object.keys(result.kyc ?? {}).length).toBeGreaterThan(0);
    expect(result.claims).toEqual({});
    expect(result.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    uaid = result.userAuthorizationId;

    const again = await rejection(client.exchange(resultToken!));
    expect(again).toMatchObject({ code: 'RESULT_ALREADY_EXCHANGED', status: 410 });
    expect(again.requestId).toMatch(/^req_[0-9a-f]{24}$/);

    // What the Worker knows of the user, and PayPay's live KYC.
    await expect
      .poll(
        () =>
          client.user(uaid).then(
            (u) => u.verifiedAt,
            () => null,
          ),
        { timeout: 15_000 },
      )
      .toBeTruthy();
    const kyc = await client.kyc(uaid);
    expect(kyc.userAuthorizationId).toBe(uaid);
    expect(kyc.kyc).toBeTypeOf('object');

    const wrong = createClient({
      endpoint: stack.workerUrl,
      token: 'not-the-token',
      fetch: recording,
    });
    expect(await rejection(wrong.user(uaid))).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('verifies a real forwarded event, and refuses a tampered copy and a replay', async () => {
    expect(uaid).not.toBe('');
    const sent = (await sandboxAdmin(stack.sandboxUrl, 'POST', '/webhooks', {
      kind: 'kyc',
      userAuthorizationId: uaid,
    })) as { status: number; body: { notificationId: string } };
    expect(sent.status).toBe(200);
    const mine = () =>
      deliveries.find((d) => {
        const body = JSON.parse(d.body.toString('utf8')) as { data: FeedEvent };
        return body.data.notificationId === sent.body.notificationId;
      });
    await expect.poll(mine, { timeout: 15_000 }).toBeDefined();
    const delivery = mine()!;
    expect(delivery.method).toBe('POST');

    // The raw bytes and Node's own header object, as a node:http or Express handler has them.
    const event = await verifyEvent(delivery.body, delivery.headers, SECRET);
    expect(event).toMatchObject({
      type: 'kyc.updated',
      userAuthorizationId: uaid,
      source: 'webhook',
      notificationId: sent.body.notificationId,
    });
    expect(delivery.headers['webhook-id']).toBe(event.id);
    // The independent implementation agrees.
    expect(
      new Webhook(SECRET).verify(
        delivery.body.toString('utf8'),
        delivery.headers as Record<string, string>,
      ),
    ).toMatchObject({ data: event });

    const tampered = delivery.body.toString('utf8').replace('"kyc.updated"', '"risk.flagged"');
    expect(tampered).not.toBe(delivery.body.toString('utf8'));
    const forged = await rejection(verifyEvent(tampered, delivery.headers, SECRET));
    expect(forged.code).toBe('INVALID_SIGNATURE');
    const replayed = await rejection(verifyEvent(delivery.body, delivery.headers, SECRET));
    expect(replayed.code).toBe('REPLAYED');
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect((await rejection(verifyEvent(delivery.body, delivery.headers, other))).code).toBe(
      'INVALID_SIGNATURE',
    );

    // Every delivery so far is what the OpenAPI document's webhooks section says.
    for (const d of deliveries)
      expect(
        checkWebhook('feedEvent', {
          method: d.method,
          headers: d.headers,
          body: d.body.toString('utf8'),
        }),
      ).toEqual([]);

    // The feed, iterated to its end, has the same event (the same object as forwarded).
    const client = createClient({
      endpoint: stack.workerUrl,
      token: stack.merchantApiToken,
      fetch: recording,
    });
    const feed = client.events({ limit: 2 });
    const events: FeedEvent[] = [];
    for await (const e of feed) events.push(e);
    expect(events.find((e) => e.id === event.id)).toEqual(event);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(feed.cursor).not.toBe('');
    // Caught up: from the cursor, nothing; a resume from the start repeats everything in order.
    const after = client.events({ after: feed.cursor });
    expect(await after.next()).toMatchObject({ done: true });
    const again: string[] = [];
    for await (const e of client.events({ limit: 500 })) again.push(e.id);
    expect(again.slice(0, events.length)).toEqual(events.map((e) => e.id));
  });

  it('forgets the user, and the Worker answers as documented', async () => {
    const client = createClient({
      endpoint: stack.workerUrl,
      token: stack.merchantApiToken,
      fetch: recording,
    });
    const accepted = await client.forget(uaid);
    expect(accepted.status).toBe('forgetting');
    await expect
      .poll(
        async () =>
          client.user(uaid).then(
            () => 200,
            (e: KycPassportError) => e.code,
          ),
        { timeout: 20_000, interval: 500 },
      )
      .toBe('USER_NOT_FOUND');
    expect(answers.length).toBeGreaterThan(10);
    expect(openApiProblems()).toEqual([]);
  });
});
