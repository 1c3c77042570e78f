import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import handler from '../../../worker/index';
import { expectError, WORKER_ORIGIN } from '../support/flow';
import { sandboxCalls } from '../support/sandbox';
import {
  eventBody,
  eventsAfter,
  postWebhook,
  reconBody,
  sandboxUser,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';

describe('duplicates, retries and order', () => {
  it('records a retried notification once', async () => {
    const cursor = await tailCursor();
    const uaid = uid('u');
    const body = eventBody('kyc', uaid);
    for (let i = 0; i < 3; i++) expect((await postWebhook('kyc', body)).status).toBe(200);
    const mine = (await eventsAfter(cursor)).filter(
      (e) => e.notificationId === body.notification_id,
    );
    expect(mine).toHaveLength(1);
    expect((await userStateOf(uaid)).kyc?.count).toBe(1);
  });

  it('records concurrent copies once', async () => {
    const cursor = await tailCursor();
    const uaid = await sandboxUser();
    const body = eventBody('risk', uaid);
    const before = await sandboxCalls();
    const answers = await Promise.all(Array.from({ length: 10 }, () => postWebhook('risk', body)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const mine = (await eventsAfter(cursor)).filter((e) => e.userAuthorizationId === uaid);
    expect(mine.filter((e) => e.type === 'risk.flagged')).toHaveLength(1);
    expect((await userStateOf(uaid)).risk?.count).toBe(1);
    // One notification, one re-read of PayPay.
    expect((await sandboxCalls()).kycPassportInfo! - before.kycPassportInfo!).toBe(1);
  });

  it('keeps the latest time per kind whatever the order notifications are recorded in', async () => {
    const uaid = uid('u');
    const later = Date.UTC(2026, 5, 2, 12);
    const earlier = Date.UTC(2026, 5, 1, 12);
    const stub = env.EVENT_FEED.get(env.EVENT_FEED.idFromName('feed'));
    for (const receivedAt of [later, earlier]) {
      await stub.record({
        kind: 'kyc',
        notificationId: uid('evt'),
        userAuthorizationId: uaid,
        receivedAt,
      });
    }
    const state = await userStateOf(uaid);
    expect(state.kyc).toMatchObject({ lastAt: new Date(later).toISOString(), count: 2 });
  });

  it('treats the same notification id on another route as the same notification', async () => {
    const cursor = await tailCursor();
    const id = uid('evt');
    const uaid = uid('u');
    expect((await postWebhook('kyc', eventBody('kyc', uaid, id))).status).toBe(200);
    expect((await postWebhook('risk', eventBody('risk', uaid, id))).status).toBe(200);
    expect((await eventsAfter(cursor)).filter((e) => e.notificationId === id)).toHaveLength(1);
  });
});

describe('queued or recorded before OK', () => {
  it('answers 503 NOT_RECORDED, never 200, when neither the queue nor the feed takes it', async () => {
    const broken = {
      idFromName: (name: string) => env.EVENT_FEED.idFromName(name),
      get: () => ({
        recordBatch: () => Promise.reject(new Error('storage unavailable')),
        recordRecon: () => Promise.reject(new Error('storage unavailable')),
      }),
    };
    const refusing = {
      send: () => Promise.reject(new Error('queue unavailable')),
      sendBatch: () => Promise.reject(new Error('queue unavailable')),
    };
    const brokenEnv = { ...env, EVENT_FEED: broken, INGEST: refusing } as unknown as Env;
    for (const [route, body] of [
      ['kyc', eventBody('kyc', uid('u'))],
      ['recon', reconBody('https://sandbox.test/f.csv')],
    ] as const) {
      const ctx = createExecutionContext();
      const request = new Request(`${WORKER_ORIGIN}/v1/webhooks/paypay/${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }) as Request<unknown, IncomingRequestCfProperties>;
      const response = await handler.fetch(request, brokenEnv, ctx);
      await waitOnExecutionContext(ctx);
      await expectError(response, 503, 'NOT_RECORDED');
    }
  });
});
