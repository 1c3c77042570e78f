import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { expireSession } from '../support/expire';
import type { SessionRecord } from '../../../worker/session/record';
import {
  arrive,
  expectError,
  freshIp,
  newSession,
  ORIGIN,
  phone,
  postSession,
  sessionObjectOf,
  worker,
} from '../support/flow';
import { fault, sandboxCalls, sandboxSession } from '../support/sandbox';

const get = (path: string, headers: Record<string, string> = { Origin: ORIGIN }) =>
  worker(path, { headers });

describe('POST /v1/sessions', () => {
  it('creates a pending session with a QR URL and expiry, with CORS for the origin', async () => {
    const before = await sandboxCalls();
    const response = await postSession({
      referenceId: 'user-42',
      lang: 'en',
      redirectType: 'WEB_LINK',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Vary')).toContain('Origin');
    const body = await response.json<Record<string, string>>();
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'qrUrl', 'sessionId', 'status']);
    expect(body.sessionId).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{24}$/);
    expect(body.status).toBe('pending');
    expect(body.qrUrl).toMatch(/^https:\/\/sandbox\.test\/phone\//);
    expect(Date.parse(body.expiresAt!)).toBeGreaterThan(Date.now());
    expect((await sandboxCalls()).createQr).toBe(before.createQr! + 1);
  });

  it('sends PayPay the KYC Passport flow, PKCE challenge, callback and a nonce naming only the object', async () => {
    const { sessionId, qrUrl } = await newSession({ referenceId: 'ref-1' });
    const stored = await sandboxSession(qrUrl);
    expect(stored).toMatchObject({
      referenceId: 'ref-1',
      redirectUrl: 'https://kyc.example/v1/callback',
    });
    expect(String(stored.nonce)).toMatch(
      new RegExp(`^${sessionId.split('.')[0]!}\\.[A-Za-z0-9_-]{32}$`),
    );
    // The verifier stays in the Durable Object; PayPay only ever sees the challenge.
    const record = await runInDurableObject(sessionObjectOf(sessionId), async (_o, state) =>
      state.storage.get<SessionRecord>('session'),
    );
    expect(JSON.stringify(stored)).not.toContain(record!.codeVerifier!);
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await worker('/v1/sessions', {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
  });

  it('refuses other origins with 403 and no CORS headers, preflight included', async () => {
    for (const response of [
      await postSession({}, { Origin: 'https://evil.example' }),
      await worker('/v1/sessions', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example' },
      }),
    ]) {
      expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
      await expectError(response, 403, 'ORIGIN_NOT_ALLOWED');
    }
  });

  it('refuses a browser request without an Origin', async () => {
    const response = await worker('/v1/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    await expectError(response, 403, 'ORIGIN_NOT_ALLOWED');
  });

  const JSON_TYPE = 'application/json';
  it.each([
    ['no content type', null, '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain', 'text/plain', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['form data', 'application/x-www-form-urlencoded', 'a=1', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['invalid JSON', JSON_TYPE, '{"referenceId":', 400, 'INVALID_JSON'],
    ['an empty body', JSON_TYPE, '', 400, 'INVALID_JSON'],
    ['a JSON array', JSON_TYPE, '[]', 400, 'INVALID_FIELD'],
    ['JSON null', JSON_TYPE, 'null', 400, 'INVALID_FIELD'],
    ['a number referenceId', JSON_TYPE, '{"referenceId":42}', 400, 'INVALID_FIELD'],
    [
      'an overlong referenceId',
      JSON_TYPE,
      JSON.stringify({ referenceId: 'a'.repeat(256) }),
      400,
      'INVALID_FIELD',
    ],
    [
      'an unsafe referenceId',
      JSON_TYPE,
      JSON.stringify({ referenceId: '<script>' }),
      400,
      'INVALID_FIELD',
    ],
    ['a bad redirectType', JSON_TYPE, '{"redirectType":"POPUP"}', 400, 'INVALID_FIELD'],
    ['a bad lang', JSON_TYPE, '{"lang":"fr"}', 400, 'INVALID_FIELD'],
    ['an unknown field', JSON_TYPE, '{"deviceId":"d-1"}', 400, 'UNKNOWN_FIELD'],
    [
      'a body over 4 KiB',
      JSON_TYPE,
      JSON.stringify({ referenceId: 'a', pad: 'x'.repeat(5000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s with a JSON 4xx', async (_, type, body, status, code) => {
    const headers: Record<string, string> = { Origin: ORIGIN, 'CF-Connecting-IP': freshIp() };
    if (type !== null) headers['Content-Type'] = type;
    await expectError(
      await worker('/v1/sessions', { method: 'POST', headers, body }),
      status,
      code,
    );
  });

  it('refuses a body whose declared length is too large before reading it', async () => {
    const response = await postSession('{}', { 'Content-Length': '999999' });
    await expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await worker('/v1/sessions', { method: 'PUT', headers: { Origin: ORIGIN } });
    expect(response.headers.get('Allow')).toContain('POST');
    await expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });

  it('limits creations per client address and says when to retry', async () => {
    const ip = '198.51.100.77';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await postSession({}, { 'CF-Connecting-IP': ip })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    const limited = await postSession({}, { 'CF-Connecting-IP': ip });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    await expectError(limited, 429, 'RATE_LIMITED');
    // Another address is not affected.
    expect((await postSession({}, { 'CF-Connecting-IP': '198.51.100.78' })).status).toBe(201);
  });

  it('passes PayPay outages on as 503 PAYPAY_UNAVAILABLE with PayPay request id', async () => {
    await fault({ operation: 'createQr', fault: 'maintenance' });
    try {
      const response = await postSession({});
      const body = await response.clone().json<{ error: { paypayRequestId?: string } }>();
      await expectError(response, 503, 'PAYPAY_UNAVAILABLE');
      expect(body.error.paypayRequestId).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    } finally {
      await fault(null);
    }
  });

  it('says the outcome is unknown after INTERNAL_SERVER_ERROR, without creating twice', async () => {
    await fault({ operation: 'createQr', fault: 'internal_error', times: 1 });
    const before = await sandboxCalls();
    try {
      await expectError(await postSession({}), 502, 'PAYPAY_OUTCOME_UNKNOWN');
      expect((await sandboxCalls()).createQr).toBe(before.createQr! + 1);
    } finally {
      await fault(null);
    }
  });
});

describe('GET /v1/sessions/:id', () => {
  it('shows status and expiry only', async () => {
    const { sessionId, expiresAt } = await newSession({ referenceId: 'secret-ref' });
    const response = await get(`/v1/sessions/${sessionId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sessionId, status: 'pending', expiresAt });
  });

  it('answers 404 for unknown and malformed ids', async () => {
    await expectError(await get('/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA'), 404, 'SESSION_NOT_FOUND');
    await expectError(await get('/v1/sessions/short'), 404, 'SESSION_NOT_FOUND');
    await expectError(await get('/v1/sessions/' + 'x'.repeat(300)), 404, 'SESSION_NOT_FOUND');
    await expectError(await get('/v1/sessions/..%2F..%2Fetc'), 404, 'SESSION_NOT_FOUND');
  });

  it('refuses a disallowed origin', async () => {
    const { sessionId } = await newSession();
    await expectError(
      await get(`/v1/sessions/${sessionId}`, { Origin: 'https://evil.example' }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
  });

  it('expires a pending session by alarm when the QR expires', async () => {
    const { sessionId } = await newSession();
    const stub = sessionObjectOf(sessionId);
    await runInDurableObject(stub, async (_o, state) => {
      const record = (await state.storage.get<SessionRecord>('session'))!;
      expect(await state.storage.getAlarm()).toBe(record.expiresAt);
    });
    expect(await expireSession(stub)).toBe(true);
    const view = await (await get(`/v1/sessions/${sessionId}`)).json<{ status: string }>();
    expect(view.status).toBe('expired');
    const record = await runInDurableObject(stub, (_o, state) =>
      state.storage.get<SessionRecord>('session'),
    );
    expect(record!.codeVerifier).toBeNull();
  });
});

describe('GET /v1/sessions/:id/events', () => {
  it('streams the current status, then each change the moment it happens', async () => {
    const { sessionId, qrUrl } = await newSession();
    const response = await get(`/v1/sessions/${sessionId}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/event-stream');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const events = readEvents(response);
    expect((await events.next()).status).toBe('pending');
    const location = await phone(qrUrl, 'complete');
    await arrive(location!);
    expect((await events.next()).status).toBe('authorized');
    const completed = await events.next();
    expect(completed.status).toBe('completed');
    expect(completed.resultToken).toMatch(/^rt1\./);
    expect(await events.ended()).toBe(true);
  });

  it('answers 404 for an unknown session', async () => {
    await expectError(
      await get('/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/events'),
      404,
      'SESSION_NOT_FOUND',
    );
  });

  it('ends at once with the final status for a finished session', async () => {
    const { sessionId, qrUrl } = await newSession();
    await arrive((await phone(qrUrl, 'decline'))!);
    const events = readEvents(await get(`/v1/sessions/${sessionId}/events`));
    expect(await events.next()).toMatchObject({ status: 'failed', error: { reason: 'declined' } });
    expect(await events.ended()).toBe(true);
  });
});

/** Reads `event: status` frames from an SSE body. */
function readEvents(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<Record<string, unknown> & { status: string }> {
      for (;;) {
        const match = /event: status\ndata: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    },
    async ended(): Promise<boolean> {
      const { done } = await reader.read();
      return done;
    },
  };
}
