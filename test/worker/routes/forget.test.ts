import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../../shared/feed';
import { exchange, expectError, MERCHANT_TOKEN } from '../support/flow';
import { captureConsole } from '../support/console';
import { fault, sandboxAdmin, sandboxCalls } from '../support/sandbox';
import {
  bearer,
  call,
  cron,
  eventBody,
  eventsAfter,
  postWebhook,
  reconBody,
  settle,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';
import { feedRowsWith, forget, verifiedUser } from '../support/users';

/** Every console line the Worker writes during a test, to prove the id is in none. */
const lines = captureConsole();

describe('DELETE /v1/users/:uaid', () => {
  /** What must hold once a user is forgotten: nothing anywhere names the id. */
  async function expectForgotten(uaid: string, resultToken: string): Promise<void> {
    await settle();
    await expectError(await call(`/v1/users/${uaid}`, { headers: bearer }), 404, 'USER_NOT_FOUND');
    expect(await env.KYC_KV.get(`v1:user:${uaid}`)).toBeNull();
    const kv = await env.KYC_KV.list();
    for (const key of kv.keys) {
      expect(key.name).not.toContain(uaid);
      expect((await env.KYC_KV.get(key.name)) ?? '').not.toContain(uaid);
    }
    expect(await feedRowsWith(uaid)).toEqual([]);
    expect(JSON.stringify(await eventsAfter('0'))).not.toContain(uaid);
    // The KYC that waited for its exchange is gone with it.
    const exchanged = await exchange(resultToken);
    expect(exchanged.status).toBeGreaterThanOrEqual(400);
    expect(await exchanged.text()).not.toContain(uaid);
    // Unlinked at PayPay: the sandbox no longer knows the authorization.
    // (Moving its expiry answers the sandbox's record of it, and never links it again.)
    const paypay = await sandboxAdmin('PUT', `/users/${uaid}/authorization`, { expireAt: 1 });
    expect(paypay.status).toBe(200);
    expect(await paypay.json()).toMatchObject({ status: 'UNLINKED' });
    // The Worker did log (its request lines), and no line names the user.
    expect(lines().some((line) => line.includes('"type":"request"'))).toBe(true);
    expect(lines().filter((line) => line.includes(uaid))).toEqual([]);
  }

  function forgottenEvents(events: FeedEvent[]): FeedEvent[] {
    return events.filter((e) => e.type === 'user.forgotten');
  }

  it('unlinks at PayPay and forgets the user; past events keep type and time, not the id', async () => {
    const { uaid, resultToken } = await verifiedUser();
    const cursor = await tailCursor();
    expect((await postWebhook('risk', eventBody('risk', uaid))).status).toBe(200);
    const past = (await eventsAfter(cursor)).find((e) => e.type === 'risk.flagged')!;
    expect(past.userAuthorizationId).toBe(uaid);

    const response = await forget(uaid);
    expect(response.status).toBe(202);
    const body = await response.json<{ status: string; requestId: string }>();
    expect(body).toEqual({ status: 'forgetting', requestId: response.headers.get('X-Request-Id') });
    expect(JSON.stringify(body)).not.toContain(uaid);

    await expectForgotten(uaid, resultToken);
    const events = await eventsAfter(cursor);
    const rewritten = events.find((e) => e.id === past.id)!;
    expect(rewritten).toEqual({ ...past, userAuthorizationId: undefined });
    expect(rewritten).not.toHaveProperty('userAuthorizationId');
    expect(forgottenEvents(events)).toEqual([
      expect.objectContaining({ source: 'merchant', requestId: body.requestId }),
    ]);
    expect(forgottenEvents(events)[0]).not.toHaveProperty('userAuthorizationId');
  });

  it('survives PayPay answering 503: forgetting until the cron unlinks, then forgotten', async () => {
    const { uaid, resultToken } = await verifiedUser();
    const cursor = await tailCursor();
    // Every try of the first attempt (the client tries three times).
    await fault({ operation: 'unlinkUser', fault: 'maintenance', times: 3 });
    expect((await forget(uaid)).status).toBe(202);
    const state = await userStateOf(uaid);
    expect(state).toMatchObject({
      userAuthorizationId: uaid,
      kyc: null,
      risk: null,
      accountStatus: null,
      standing: null,
      authorization: null,
      verifiedAt: null,
      forget: { status: 'forgetting', lastError: 'MAINTENANCE_MODE' },
    });
    expect(state.forget?.paypayRequestId).toBeTruthy();
    // Already cleared while PayPay is down: the KYC waiting for its exchange.
    expect((await exchange(resultToken)).status).toBe(410);
    expect((await sandboxCalls()).unlinkUser).toBeGreaterThanOrEqual(3);

    await cron(Date.now()); // backoff not over: nothing yet
    expect((await userStateOf(uaid)).forget?.status).toBe('forgetting');
    await cron(Date.now() + 2 * 60_000);
    await expectForgotten(uaid, resultToken);
    expect(forgottenEvents(await eventsAfter(cursor))).toHaveLength(1);
  });

  it('is idempotent: twice in a row, and again once forgotten, one unlink and one event', async () => {
    const { uaid, resultToken } = await verifiedUser();
    const cursor = await tailCursor();
    const callsBefore = (await sandboxCalls()).unlinkUser ?? 0;
    const [first, second] = await Promise.all([forget(uaid), forget(uaid)]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await forget(uaid);
    expect(third.status).toBe(202);
    expect((await third.json<{ status: string }>()).status).toBe('forgotten');
    await cron(Date.now() + 10 * 60_000);
    await expectForgotten(uaid, resultToken);
    expect(forgottenEvents(await eventsAfter(cursor))).toHaveLength(1);
    expect((await sandboxCalls()).unlinkUser).toBe(callsBefore + 1);
  });

  it('wins a race with a webhook for the user; later news of the id is acknowledged and dropped', async () => {
    const { uaid, resultToken } = await verifiedUser();
    const [deleted, webhook] = await Promise.all([
      forget(uaid),
      postWebhook('kyc', eventBody('kyc', uaid)),
    ]);
    expect(deleted.status).toBe(202);
    expect(webhook.status).toBe(200);
    await expectForgotten(uaid, resultToken);

    const cursor = await tailCursor();
    for (const kind of ['kyc', 'risk', 'account-status'] as const) {
      expect((await postWebhook(kind, eventBody(kind, uaid))).status).toBe(200);
    }
    // A recon file listing it next to a user we never heard of: only the other is missed.
    const other = uid('other');
    const file = await sandboxAdmin('POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [uaid, other],
      notify: false,
    });
    expect(file.status).toBe(200);
    const { path } = await file.json<{ path: string }>();
    expect((await postWebhook('recon', reconBody(path))).status).toBe(200);
    await cron(Date.now() + 5 * 60_000);
    const after = await eventsAfter(cursor);
    const missed = after.filter((e) => e.type === 'recon.missed');
    expect(missed.map((e) => e.userAuthorizationId)).toEqual([other]);
    expect(after.every((e) => e.userAuthorizationId === other)).toBe(true);
    await expectForgotten(uaid, resultToken);
  });

  it('forgets an id only notifications named, and refuses bad requests', async () => {
    // An id PayPay never issued: its unlink answers INVALID_USER_AUTHORIZATION_ID, i.e. nothing to end.
    const uaid = uid('hinted');
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    expect((await forget(uaid)).status).toBe(202);
    await settle();
    await expectError(await call(`/v1/users/${uaid}`, { headers: bearer }), 404, 'USER_NOT_FOUND');
    expect(await feedRowsWith(uaid)).toEqual([]);

    await expectError(await forget(uaid, {}), 401, 'UNAUTHORIZED');
    await expectError(
      await forget(uaid, { Authorization: `Bearer ${MERCHANT_TOKEN}x` }),
      401,
      'UNAUTHORIZED',
    );
    await expectError(await forget('x'.repeat(65)), 404, 'INVALID_ID');
    const unconfigured = await call(
      `/v1/users/${uid('u')}`,
      { method: 'DELETE', headers: bearer },
      { PAYPAY_API_SECRET: '' },
    );
    expect(unconfigured.status).toBeGreaterThanOrEqual(400);
    expect(unconfigured.status).toBeLessThan(600);
    expect((await unconfigured.json<{ error: { code: string } }>()).error.code).toBeTruthy();
  });
});
