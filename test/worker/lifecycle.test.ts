import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedEvent, UserState } from '../../shared/feed';
import { err } from '../../shared/result';
import { completedSession, exchange, expectError, MERCHANT_TOKEN } from './support/flow';
import { fault, sandboxAdmin, sandboxCalls } from './support/sandbox';
import {
  bearer,
  call,
  cron,
  eventBody,
  eventsAfter,
  feed,
  postWebhook,
  reconBody,
  settle,
  tailCursor,
  uid,
  userStateOf,
} from './support/webhooks';

const DAY = 86_400_000;

/** Every console line the Worker writes during a test, to prove the id is in none. */
let lines: string[] = [];
beforeEach(() => {
  lines = [];
  for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
  }
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fault(null);
});

/** A user verified through the phone flow, its KYC still waiting for the exchange. */
async function verifiedUser(): Promise<{ uaid: string; resultToken: string }> {
  const { resultToken } = await completedSession();
  const { value: uaid } = await feed().latestVerifiedUser();
  expect(uaid).not.toBeNull();
  // The first re-read (standing and authorization) runs after the phone's page.
  await until(async () => (await stateOf(uaid!))?.authorization != null);
  return { uaid: uaid!, resultToken };
}

async function stateOf(uaid: string): Promise<UserState | null> {
  await settle();
  const response = await call(`/v1/users/${uaid}`, { headers: bearer });
  return response.status === 200 ? response.json<UserState>() : null;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
}

function forget(uaid: string, headers: Record<string, string> = bearer): Promise<Response> {
  return call(`/v1/users/${encodeURIComponent(uaid)}`, { method: 'DELETE', headers });
}

/** Moves the user's expiry at PayPay, then hints a re-read so the Worker reads it. */
async function expireAt(uaid: string, at: number): Promise<void> {
  const response = await sandboxAdmin('PUT', `/users/${uaid}/authorization`, {
    expireAt: Math.floor(at / 1000),
  });
  expect(response.status).toBe(200);
  // A re-read runs at most once a minute per user: clear the throttle for the test.
  await runInDurableObject(feed(), (_o, state) => {
    state.storage.sql.exec(
      'UPDATE users SET reread_started_at = NULL, reread_due_at = NULL WHERE uaid = ?',
      uaid,
    );
  });
  expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
}

/** Every row of every table of the feed object that mentions `text`. */
async function feedRowsWith(text: string): Promise<string[]> {
  return runInDurableObject(feed(), (_o, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
      )
      .toArray()
      .map((t) => t.name);
    return tables.flatMap((table) =>
      sql
        .exec(`SELECT * FROM "${table}"`)
        .toArray()
        .map((row) => `${table}: ${JSON.stringify(row)}`)
        .filter((row) => row.includes(text)),
    );
  });
}

describe('the authorization in the user state', () => {
  it('is read from PayPay after a verification: status, granted scopes, expiry', async () => {
    const before = Date.now();
    const { uaid } = await verifiedUser();
    const state = (await userStateOf(uaid)).authorization!;
    expect(state.status).toBe('ACTIVE');
    expect(state.scopes).toEqual(
      expect.arrayContaining(['kyc_passport_qr', 'mini_app_kyc_passport']),
    );
    // The sandbox's default validity is 400 days from the approval.
    expect(Date.parse(state.expiresAt!)).toBeGreaterThan(before + 399 * DAY);
    expect(Date.parse(state.issuedAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(state.referenceId).toBeNull();
    expect((await userStateOf(uaid)).verifiedAt).not.toBeNull();
    // No phone number, no referenceIds list: only what the state documents.
    expect(Object.keys(state).sort()).toEqual(
      [
        'checkedAt',
        'expiresAt',
        'issuedAt',
        'referenceId',
        'referenceIdMode',
        'scopes',
        'status',
      ].sort(),
    );
  });

  it('shows EXPIRED, with authorization.expired at once, when PayPay says it expired', async () => {
    const { uaid } = await verifiedUser();
    const cursor = await tailCursor();
    await expireAt(uaid, Date.now() - 1000);
    const state = await userStateOf(uaid);
    expect(state.authorization?.status).toBe('EXPIRED');
    const events = (await eventsAfter(cursor)).filter((e) => e.userAuthorizationId === uaid);
    expect(events.filter((e) => e.type === 'authorization.expired')).toHaveLength(1);
    expect(events.some((e) => e.type === 'authorization.expiring')).toBe(false);
  });
});

describe('authorization.expiring and authorization.expired', () => {
  it('each comes exactly once, across cron runs, and again for a renewed expiry', async () => {
    const { uaid } = await verifiedUser();
    const now = Date.now();
    const expiry = now + 10 * DAY;
    await expireAt(uaid, expiry);
    const cursor = await tailCursor();
    const mine = async () =>
      (await eventsAfter(cursor)).filter(
        (e) => e.userAuthorizationId === uaid && e.type.startsWith('authorization.'),
      );

    await cron(now - 5 * DAY); // 15 days ahead: outside the 14-day window
    expect(await mine()).toEqual([]);
    await cron(now);
    await cron(now + 60_000);
    await cron(now + DAY);
    const expiring = await mine();
    expect(expiring.map((e) => e.type)).toEqual(['authorization.expiring']);
    expect(expiring[0]).toMatchObject({
      source: 'paypay',
      expiresAt: new Date(Math.floor(expiry / 1000) * 1000).toISOString(),
    });

    await cron(expiry + 1000);
    await cron(expiry + 60_000);
    await cron(expiry + DAY);
    expect((await mine()).map((e) => e.type)).toEqual([
      'authorization.expiring',
      'authorization.expired',
    ]);

    // PayPay renewed the authorization: both are owed again, once, for the new expiry.
    const renewed = now + 20 * DAY;
    await expireAt(uaid, renewed);
    await cron(renewed - 13 * DAY);
    await cron(renewed - 12 * DAY);
    expect((await mine()).map((e) => e.type)).toEqual([
      'authorization.expiring',
      'authorization.expired',
      'authorization.expiring',
    ]);
  });

  it('follows AUTHORIZATION_EXPIRING_DAYS', async () => {
    const { uaid } = await verifiedUser();
    const now = Date.now();
    await expireAt(uaid, now + 10 * DAY);
    const cursor = await tailCursor();
    await cron(now, { AUTHORIZATION_EXPIRING_DAYS: '3' });
    const types = async () =>
      (await eventsAfter(cursor)).filter((e) => e.userAuthorizationId === uaid).map((e) => e.type);
    expect(await types()).toEqual([]);
    await cron(now + 7 * DAY + 1000, { AUTHORIZATION_EXPIRING_DAYS: '3' });
    expect(await types()).toEqual(['authorization.expiring']);
  });
});

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
    expect(lines.some((line) => line.includes('"type":"request"'))).toBe(true);
    expect(lines.filter((line) => line.includes(uaid))).toEqual([]);
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

describe('the feed object, for what the phone flow cannot reach', () => {
  const verifiedInput = (uaid: string) => ({
    userAuthorizationId: uaid,
    sessionObjectId: env.SESSIONS.newUniqueId().toString(),
    referenceId: null,
    referenceIdMode: null,
    kycUntil: Date.now() + 60_000,
    now: Date.now(),
  });

  it('knows a forgotten id again after a new verification (new consent)', async () => {
    const uaid = uid('again');
    expect((await forget(uaid)).status).toBe(202);
    await settle();
    expect(await feedRowsWith(uaid)).toEqual([]);
    const outcome = (await feed().verified(verifiedInput(uaid))).value;
    expect(outcome.forgetting).toBe(false);
    const cursor = await tailCursor();
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    const events = await eventsAfter(cursor);
    expect(events.filter((e) => e.type === 'kyc.updated')).toEqual([
      expect.objectContaining({ userAuthorizationId: uaid }),
    ]);
  });

  it('records no verification of a user being forgotten, and says so to its object', async () => {
    const uaid = uid('racing');
    await fault({ operation: 'unlinkUser', fault: 'maintenance', times: 3 });
    expect((await forget(uaid)).status).toBe(202);
    expect((await feed().verified(verifiedInput(uaid))).value).toEqual({
      reread: null,
      forgetting: true,
    });
    expect((await userStateOf(uaid)).verifiedAt).toBeNull();
  });

  it('sends authorization.expired once when PayPay says so of an expiry it never gave', async () => {
    const uaid = uid('expired');
    await feed().verified(verifiedInput(uaid));
    const cursor = await tailCursor();
    const code = 'EXPIRED_USER_AUTHORIZATION_ID' as const;
    await feed().recordAuthorization(uaid, err({ code }), Date.now());
    await feed().recordAuthorization(uaid, err({ code }), Date.now());
    await cron(Date.now() + DAY);
    const expired = (await eventsAfter(cursor)).filter((e) => e.type === 'authorization.expired');
    expect(expired).toEqual([expect.objectContaining({ userAuthorizationId: uaid })]);
    expect(expired[0]).not.toHaveProperty('expiresAt');
  });
});
