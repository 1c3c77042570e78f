import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import handler from '../../worker/index';
import { expectError, worker, WORKER_ORIGIN } from './support/flow';
import { fault, sandboxAdmin, sandboxCalls, setStanding } from './support/sandbox';
import {
  cron,
  eventBody,
  eventsAfter,
  postWebhook,
  reconBody,
  sandboxUser,
  tailCursor,
  uid,
  userStateOf,
} from './support/webhooks';

const KINDS = [
  ['kyc', 'kyc.updated'],
  ['risk', 'risk.flagged'],
  ['account-status', 'account_status.updated'],
] as const;

// PayPay documents no Content-Type for webhooks; its docs and SDKs write
// `application/json;charset=UTF-8;`. A refusal loses the notification.
const CONTENT_TYPES = [
  'application/json',
  'application/json;charset=UTF-8',
  'application/json;charset=UTF-8;',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  null,
] as const;

describe('webhooks sent with any Content-Type', () => {
  it.each(CONTENT_TYPES)('records an event sent with Content-Type %j once', async (type) => {
    const cursor = await tailCursor();
    const body = eventBody('risk', uid('u'));
    for (let send = 0; send < 2; send++) {
      const response = await postWebhook('risk', body, { contentType: type });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('OK');
    }
    const events = (await eventsAfter(cursor)).filter(
      (e) => e.notificationId === body.notification_id,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'risk.flagged', source: 'webhook' });
  });

  it.each(CONTENT_TYPES)('records a recon notification sent with Content-Type %j', async (type) => {
    const body = reconBody(`https://sandbox.test/recon/${uid('f')}.csv`);
    const response = await postWebhook('recon', body, { contentType: type });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
  });
});

describe('POST /v1/webhooks/paypay/<kind>', () => {
  it.each(KINDS)('records a %s notification once and answers OK', async (kind, type) => {
    const cursor = await tailCursor();
    const uaid = uid('u');
    const body = eventBody(kind, uaid);
    const response = await postWebhook(kind, body);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    const events = (await eventsAfter(cursor)).filter((e) => e.source === 'webhook');
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^ev_\d+$/),
        type,
        userAuthorizationId: uaid,
        occurredAt: expect.any(String),
        source: 'webhook',
        notificationId: body.notification_id,
      },
    ]);
  });

  it('keeps each kind in the user state, with its source and count', async () => {
    const uaid = uid('u');
    for (const [kind] of KINDS)
      expect((await postWebhook(kind, eventBody(kind, uaid))).status).toBe(200);
    expect((await postWebhook('risk', eventBody('risk', uaid))).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state.userAuthorizationId).toBe(uaid);
    expect(state.kyc).toMatchObject({ source: 'webhook', count: 1 });
    expect(state.risk).toMatchObject({ source: 'webhook', count: 2 });
    expect(state.risk?.recent).toHaveLength(2);
    expect(state.risk?.recent[0]).toMatchObject({
      source: 'webhook',
      notificationId: expect.any(String),
    });
    expect(state.accountStatus).toMatchObject({ source: 'webhook', count: 1 });
  });

  it('tolerates fields PayPay may add, but validates the known ones', async () => {
    const uaid = uid('u');
    const body = { ...eventBody('kyc', uaid), occurred_at: '2026-01-01', extra: { nested: [1] } };
    expect((await postWebhook('kyc', body)).status).toBe(200);
    expect((await userStateOf(uaid)).kyc?.count).toBe(1);
  });

  it('answers before PayPay is re-read', async () => {
    const uaid = await sandboxUser();
    await fault({ operation: 'kycPassportInfo', fault: 'latency', latencyMs: 1500, times: 1 });
    try {
      const started = Date.now();
      // worker() does not wait for ctx.waitUntil: this is the time PayPay would wait.
      const response = await worker('/v1/webhooks/paypay/kyc', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.1' },
        body: JSON.stringify(eventBody('kyc', uaid)),
      });
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 1700));
      await fault(null);
    }
  });
});

describe('receivers refuse what is not theirs', () => {
  const uaid = 'a85fe9e9-b4c9-45cf-a392-834c57d83af7';

  it.each([
    ['kyc', 'risk'],
    ['risk', 'account-status'],
    ['account-status', 'kyc'],
  ] as const)('a notification of another kind on the %s route', async (route, other) => {
    await expectError(
      await postWebhook(route, eventBody(other, uaid)),
      400,
      'WRONG_NOTIFICATION_TYPE',
    );
  });

  it('file.created on an event route, and an event on the recon route', async () => {
    await expectError(
      await postWebhook('kyc', reconBody('https://sandbox.test/x.csv')),
      400,
      'WRONG_NOTIFICATION_TYPE',
    );
    await expectError(
      await postWebhook('recon', eventBody('kyc', uaid)),
      400,
      'WRONG_NOTIFICATION_TYPE',
    );
  });

  it.each([
    ['not JSON', '{"notification_type":', 400, 'INVALID_JSON'],
    ['an array', '[]', 400, 'INVALID_FIELD'],
    [
      'no notification_type',
      '{"notification_id":"n1","user_authorization_id":"u1"}',
      400,
      'INVALID_FIELD',
    ],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 400, 'INVALID_JSON'],
  ])('a body that is %s', async (_name, body, status, code) => {
    await expectError(await postWebhook('kyc', body), status, code);
  });

  it('a body over 16 KiB, however it is declared', async () => {
    const big = { ...eventBody('kyc', uaid), padding: 'x'.repeat(16 * 1024) };
    await expectError(await postWebhook('kyc', big), 413, 'PAYLOAD_TOO_LARGE');
    // A lying Content-Length is not trusted: the limit holds while reading.
    const stream = new Blob([JSON.stringify(big)]).stream();
    const response = await worker('/v1/webhooks/paypay/kyc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['user_authorization_id of 65 characters', { user_authorization_id: 'u'.repeat(65) }],
    ['user_authorization_id with a space', { user_authorization_id: 'a b' }],
    ['user_authorization_id with a slash', { user_authorization_id: '../etc' }],
    ['user_authorization_id with markup', { user_authorization_id: '<script>' }],
    ['empty user_authorization_id', { user_authorization_id: '' }],
    ['numeric user_authorization_id', { user_authorization_id: 42 }],
    ['notification_id of 129 characters', { notification_id: 'n'.repeat(129) }],
    ['notification_id with a newline', { notification_id: 'evt_1\nx' }],
    ['missing notification_id', { notification_id: undefined }],
  ])('%s', async (_name, change) => {
    await expectError(
      await postWebhook('risk', { ...eventBody('risk', uaid), ...change }),
      400,
      'INVALID_FIELD',
    );
  });

  it.each([
    ['an unknown fileType', { fileType: 'kyc_passport_everything' }],
    ['a path that is not a URL', { path: 'not a url' }],
    ['requestedAt that is not epoch time', { requestedAt: 'yesterday' }],
    ['requestedAt of 11 digits', { requestedAt: '12345678901' }],
  ])('a recon notification with %s', async (_name, change) => {
    await expectError(
      await postWebhook('recon', { ...reconBody('https://sandbox.test/f.csv'), ...change }),
      400,
      'INVALID_FIELD',
    );
  });

  it.each(['GET', 'PUT', 'DELETE'])('method %s with 405 and Allow: POST', async (method) => {
    const response = await postWebhook('kyc', eventBody('kyc', uaid), { method });
    expect(response.headers.get('Allow')).toBe('POST');
    await expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });

  it('an unknown kind with 404', async () => {
    await expectError(await postWebhook('payments', eventBody('kyc', uaid)), 404, 'NOT_FOUND');
  });
});

describe('WEBHOOK_ALLOWED_CIDRS', () => {
  const overrides = { WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24, 2001:db8:1::/48' };

  it.each(['192.0.2.10', '192.0.2.255', '2001:db8:1::5', '2001:db8:1:ffff::1', '::ffff:192.0.2.7'])(
    'accepts %s',
    async (ip) => {
      const response = await postWebhook('kyc', eventBody('kyc', uid('u')), {
        headers: { 'CF-Connecting-IP': ip },
        overrides,
      });
      expect(response.status).toBe(200);
    },
  );

  it.each(['198.51.100.1', '192.0.3.1', '2001:db8:2::1', '::1', '::ffff:198.51.100.1', 'junk', ''])(
    'refuses %j with 403 before reading anything',
    async (ip) => {
      const cursor = await tailCursor();
      await expectError(
        await postWebhook('kyc', eventBody('kyc', uid('u')), {
          headers: { 'CF-Connecting-IP': ip },
          overrides,
        }),
        403,
        'FORBIDDEN_SOURCE',
      );
      expect(await eventsAfter(cursor)).toEqual([]);
    },
  );

  it('refuses a disallowed source even on an unknown route or with a bad method', async () => {
    const headers = { 'CF-Connecting-IP': '203.0.113.9' };
    await expectError(
      await postWebhook('nope', '{}', { headers, overrides }),
      403,
      'FORBIDDEN_SOURCE',
    );
    await expectError(
      await postWebhook('kyc', '', { headers, overrides, method: 'GET' }),
      403,
      'FORBIDDEN_SOURCE',
    );
  });

  it('answers 503 naming the setting when it is malformed', async () => {
    await expectError(
      await postWebhook('kyc', eventBody('kyc', uid('u')), {
        overrides: { WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/99' },
      }),
      503,
      'CONFIG_WEBHOOK_ALLOWED_CIDRS',
    );
  });
});

describe('WEBHOOK_PATH_TOKEN', () => {
  const token = 'tok_0123456789abcdefXYZ';
  const overrides = { WEBHOOK_PATH_TOKEN: token };

  it('moves every receiver under the token', async () => {
    for (const [kind] of KINDS) {
      const response = await postWebhook(`${token}/${kind}`, eventBody(kind, uid('u')), {
        overrides,
      });
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['the token-less path', 'kyc'],
    ['a wrong token', 'tok_0123456789abcdefXYz/kyc'],
    ['a prefix of the token', 'tok_0123456789/kyc'],
    ['the token alone', token],
  ])('answers 404 to %s', async (_name, route) => {
    await expectError(
      await postWebhook(route, eventBody('kyc', uid('u')), { overrides }),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 404 to a token path when no token is set', async () => {
    await expectError(
      await postWebhook(`${token}/kyc`, eventBody('kyc', uid('u'))),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 503 naming the setting when it is too short to be secret', async () => {
    await expectError(
      await postWebhook('short/kyc', eventBody('kyc', uid('u')), {
        overrides: { WEBHOOK_PATH_TOKEN: 'short' },
      }),
      503,
      'CONFIG_WEBHOOK_PATH_TOKEN',
    );
  });
});

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

describe('recording comes first', () => {
  it('answers 503 NOT_RECORDED, never 200, when the feed cannot record', async () => {
    const broken = {
      idFromName: (name: string) => env.EVENT_FEED.idFromName(name),
      get: () => ({
        record: () => Promise.reject(new Error('storage unavailable')),
        recordRecon: () => Promise.reject(new Error('storage unavailable')),
      }),
    };
    const brokenEnv = { ...env, EVENT_FEED: broken } as unknown as Env;
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

describe('re-reads of PayPay', () => {
  it('stores the standing PayPay answers and puts its change in the feed', async () => {
    const cursor = await tailCursor();
    const uaid = await sandboxUser('risk_flagged');
    const body = eventBody('risk', uaid);
    expect((await postWebhook('risk', body)).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state.standing).toMatchObject({ value: 'UNACCEPTABLE_OP' });
    expect(state.reread).toEqual({ due: false, dueAt: null, lastError: null });
    const changes = (await eventsAfter(cursor)).filter((e) => e.type === 'standing.changed');
    expect(changes).toEqual([
      expect.objectContaining({
        userAuthorizationId: uaid,
        source: 'paypay',
        standing: 'UNACCEPTABLE_OP',
        previousStanding: null,
      }),
    ]);
    expect(changes[0]).not.toHaveProperty('notificationId');
    // PayPay's X-REQUEST-ID of the read that found it, for support.
    expect(state.standing?.paypayRequestId).toMatch(/^SBX[0-9A-F]{32}$/);
    expect(changes[0]?.paypayRequestId).toBe(state.standing?.paypayRequestId);
  });

  it('shows a re-read refused for scope as the standing OP_OUT_OF_SCOPE, not a back-off loop', async () => {
    const cursor = await tailCursor();
    // Linked without mini_app_kyc_passport, the scope of KYC Passport info.
    const created = await sandboxAdmin('POST', '/users', { scopes: ['kyc_passport_qr'] });
    const uaid = (await created.json<{ userAuthorizationId: string }>()).userAuthorizationId;
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state.standing).toMatchObject({
      value: 'OP_OUT_OF_SCOPE',
      paypayRequestId: expect.stringMatching(/^SBX/),
    });
    expect(state.reread).toEqual({ due: false, dueAt: null, lastError: null });
    const changes = (await eventsAfter(cursor)).filter(
      (e) => e.type === 'standing.changed' && e.userAuthorizationId === uaid,
    );
    expect(changes).toEqual([expect.objectContaining({ standing: 'OP_OUT_OF_SCOPE' })]);
    // Later cron runs do not keep asking PayPay about it (a re-read would move checkedAt).
    await cron(Date.now() + 10 * 60_000);
    expect(await userStateOf(uaid)).toMatchObject({
      standing: { value: 'OP_OUT_OF_SCOPE', checkedAt: state.standing?.checkedAt },
      reread: { due: false },
    });
  });

  it.each([
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled', 'CANCELED_USER'],
    ['inactive', 'USER_STATE_IS_NOT_ACTIVE'],
    ['active', 'OK'],
  ])('maps a %s user to %s', async (standing, value) => {
    const uaid = await sandboxUser(standing);
    expect((await postWebhook('account-status', eventBody('account-status', uaid))).status).toBe(
      200,
    );
    expect((await userStateOf(uaid)).standing?.value).toBe(value);
  });

  it('throttles re-reads per user: a second hint within a minute leaves a re-read due', async () => {
    const uaid = await sandboxUser();
    const before = await sandboxCalls();
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    await setStanding(uaid, 'kyc_update_required');
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    expect((await sandboxCalls()).kycPassportInfo! - before.kycPassportInfo!).toBe(1);
    const state = await userStateOf(uaid);
    expect(state.standing?.value).toBe('OK');
    expect(state.reread.due).toBe(true);
    expect(Date.parse(state.reread.dueAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
  });

  it('keeps the re-read due, with the reason, while PayPay is down', async () => {
    const uaid = await sandboxUser();
    await fault({ operation: 'kycPassportInfo', fault: 'maintenance' });
    try {
      expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    } finally {
      await fault(null);
    }
    const state = await userStateOf(uaid);
    expect(state.standing).toBeNull();
    expect(state.reread).toMatchObject({
      due: true,
      lastError: 'MAINTENANCE_MODE',
      paypayRequestId: expect.stringMatching(/^SBX[0-9A-F]{32}$/),
    });
  });
});
