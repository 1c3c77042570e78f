import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FEED_PAGE_LIMIT, type FeedEvent, type UserState } from '../../../shared/feed';
import { expectError, MERCHANT_TOKEN, ORIGIN } from '../support/flow';
import {
  bearer,
  call,
  eventBody,
  eventsPage,
  postWebhook,
  settle,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';

async function postSome(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = eventBody(i % 2 === 0 ? 'kyc' : 'account-status', uid('u'));
    expect((await postWebhook(i % 2 === 0 ? 'kyc' : 'account-status', body)).status).toBe(200);
    ids.push(body.notification_id);
  }
  return ids;
}

describe('GET /v1/events', () => {
  it('pages oldest first with a stable cursor, each event once', async () => {
    const start = await tailCursor();
    const sent = await postSome(5);
    const seen: FeedEvent[] = [];
    let cursor = start;
    const sizes: number[] = [];
    for (;;) {
      const page = await eventsPage(`after=${cursor}&limit=2`);
      sizes.push(page.events.length);
      if (page.events.length === 0) {
        expect(page.cursor).toBe(cursor);
        break;
      }
      // The same cursor gives the same page.
      expect((await eventsPage(`after=${cursor}&limit=2`)).events).toEqual(page.events);
      seen.push(...page.events);
      cursor = page.cursor;
    }
    expect(sizes.every((n) => n <= 2)).toBe(true);
    const mine = seen.filter((e) => sent.includes(e.notificationId ?? ''));
    expect(mine.map((e) => e.notificationId)).toEqual(sent);
    const positions = seen.map((e) => Number(e.id.slice(3)));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
  });

  it('starts from the beginning without after, and caps limit', async () => {
    await postSome(1);
    const page = await eventsPage('limit=1');
    expect(page.events).toHaveLength(1);
    expect(page.events[0]?.id).toBe('ev_1');
    expect(page.cursor).toBe('1');
    expect((await eventsPage('')).events.length).toBeLessThanOrEqual(FEED_PAGE_LIMIT.default);
    expect((await eventsPage(`limit=${FEED_PAGE_LIMIT.max}`)).events.length).toBeGreaterThan(0);
  });

  const tooMany = String(FEED_PAGE_LIMIT.max + 1);
  it.each(['0', '-1', tooMany, `0${tooMany}`, 'abc', '1.5', '1e2', ' 5'])(
    'refuses limit=%j',
    async (limit) => {
      await expectError(
        await call(`/v1/events?limit=${encodeURIComponent(limit)}`, { headers: bearer }),
        400,
        'INVALID_FIELD',
      );
    },
  );

  it.each(['abc', '-1', '01', '1e3', 'ev_3', '9'.repeat(16)])('refuses after=%j', async (after) => {
    await expectError(
      await call(`/v1/events?after=${encodeURIComponent(after)}`, { headers: bearer }),
      400,
      'INVALID_CURSOR',
    );
  });

  it('refuses unknown parameters', async () => {
    await expectError(await call('/v1/events?since=1', { headers: bearer }), 400, 'UNKNOWN_FIELD');
  });

  it('needs the merchant bearer and has no CORS', async () => {
    await expectError(await call('/v1/events'), 401, 'UNAUTHORIZED');
    await expectError(
      await call('/v1/events', {
        headers: { Authorization: 'Bearer wrong-token-0123456789abcdef' },
      }),
      401,
      'UNAUTHORIZED',
    );
    const response = await call('/v1/events', { headers: { ...bearer, Origin: ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('answers 405 to other methods', async () => {
    await expectError(
      await call('/v1/events', { method: 'POST', headers: bearer }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });
});

describe('GET /v1/users/:userAuthorizationId', () => {
  it('serves the state the feed object copied to KV under v1:user:<id>', async () => {
    const uaid = uid('u');
    expect((await postWebhook('risk', eventBody('risk', uaid))).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state).toEqual({
      userAuthorizationId: uaid,
      kyc: null,
      risk: {
        lastAt: expect.any(String),
        source: 'webhook',
        count: 1,
        recent: [
          expect.objectContaining({ source: 'webhook', notificationId: expect.any(String) }),
        ],
      },
      accountStatus: null,
      standing: expect.objectContaining({ value: 'INVALID_USER_AUTHORIZATION_ID' }),
      reread: { due: false, dueAt: null, lastError: null },
      // PayPay does not know the made-up id: its standing says so, no second call.
      authorization: {
        status: 'INVALID',
        scopes: null,
        expiresAt: null,
        issuedAt: null,
        referenceId: null,
        referenceIdMode: null,
        checkedAt: expect.any(String),
      },
      verifiedAt: null,
      forget: null,
      updatedAt: expect.any(String),
    } satisfies UserState);
    expect(await env.KYC_KV.get(`v1:user:${uaid}`, 'json')).toEqual(state);
  });

  it('answers 404 USER_NOT_FOUND for a user nothing was heard about', async () => {
    await settle();
    await expectError(
      await call(`/v1/users/${uid('nobody')}`, { headers: bearer }),
      404,
      'USER_NOT_FOUND',
    );
  });

  it('refuses malformed ids, a missing bearer and other methods', async () => {
    await expectError(
      await call(`/v1/users/${'x'.repeat(65)}`, { headers: bearer }),
      404,
      'INVALID_ID',
    );
    await expectError(await call('/v1/users/a%20b', { headers: bearer }), 404, 'INVALID_ID');
    await expectError(await call('/v1/users/u-1'), 401, 'UNAUTHORIZED');
    await expectError(
      await call('/v1/users/u-1', {
        method: 'PUT',
        headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` },
      }),
      405,
      'METHOD_NOT_ALLOWED',
    );
    const response = await call('/v1/users/u-1', { headers: { ...bearer, Origin: ORIGIN } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
