import { describe, expect, it } from 'vitest';
import { expectError, worker } from '../support/flow';
import { fault } from '../support/sandbox';
import {
  eventBody,
  eventsAfter,
  KINDS,
  postWebhook,
  reconBody,
  sandboxUser,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';

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
