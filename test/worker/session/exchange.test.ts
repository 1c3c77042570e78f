import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../worker/session/record';
import {
  completedSession,
  exchange,
  expectError,
  MERCHANT_TOKEN,
  newSession,
  ORIGIN,
  worker,
} from '../support/flow';

const stubOf = (sessionId: string) =>
  env.SESSIONS.get(env.SESSIONS.idFromString(sessionId.split('.')[0]!));

async function patchRecord(sessionId: string, change: Partial<SessionRecord>) {
  await runInDurableObject(stubOf(sessionId), async (instance, state) => {
    const holder = instance as unknown as { record: SessionRecord };
    holder.record = { ...holder.record, ...change };
    await state.storage.put('session', holder.record);
  });
}

describe('POST /v1/results/exchange', () => {
  it('answers the KYC info once, then 410', async () => {
    const { sessionId, resultToken } = await completedSession({ referenceId: 'user-42' });
    const first = await exchange(resultToken);
    expect(first.status).toBe(200);
    const body = await first.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual([
      'claims',
      'completedAt',
      'kyc',
      'mode',
      'receipt',
      'referenceId',
      'sessionId',
      'userAuthorizationId',
    ]);
    expect(body).toMatchObject({ sessionId, referenceId: 'user-42', mode: 'public' });
    expect(body.userAuthorizationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.kyc).toMatchObject({
      userAuthorizationId: body.userAuthorizationId,
      kycStatus: 'COMPLETED',
    });
    expect(Date.parse(String(body.completedAt))).toBeLessThanOrEqual(Date.now());
    await expectError(await exchange(resultToken), 410, 'RESULT_ALREADY_EXCHANGED');
  });

  it('deletes the personal data from the session once exchanged, and stops showing the token', async () => {
    const { sessionId, resultToken } = await completedSession();
    await exchange(resultToken);
    const record = await runInDurableObject(stubOf(sessionId), (_o, state) =>
      state.storage.get<SessionRecord>('session'),
    );
    expect(record).toMatchObject({
      released: null,
      userAuthorizationId: null,
      codeVerifier: null,
    });
    const view = await (
      await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } })
    ).json();
    expect(view).not.toHaveProperty('resultToken');
  });

  it('gives one of two concurrent exchanges the data and the other 410', async () => {
    const { resultToken } = await completedSession();
    const statuses = (await Promise.all([exchange(resultToken), exchange(resultToken)]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([200, 410]);
  });

  it('answers 410 RESULT_EXPIRED after the token lifetime', async () => {
    const { sessionId, resultToken } = await completedSession();
    await patchRecord(sessionId, { resultExpiresAt: Date.now() - 1 });
    await expectError(await exchange(resultToken), 410, 'RESULT_EXPIRED');
  });

  it('drops the KYC info when retention ends, by alarm, even if never exchanged', async () => {
    const { sessionId, resultToken } = await completedSession();
    await patchRecord(sessionId, { completedAt: Date.now() - 16 * 60_000 });
    await runInDurableObject(stubOf(sessionId), (_o, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stubOf(sessionId))).toBe(true);
    const record = await runInDurableObject(stubOf(sessionId), (_o, state) =>
      state.storage.get<SessionRecord>('session'),
    );
    expect(record).toMatchObject({
      released: null,
      userAuthorizationId: null,
      status: 'completed',
    });
    await expectError(await exchange(resultToken), 410, 'RESULT_EXPIRED');
  });

  it('answers 404 for unknown, malformed or wrong-secret tokens', async () => {
    const { resultToken } = await completedSession();
    const [, id] = resultToken.split('.');
    await expectError(await exchange(`rt1.${id}.${'A'.repeat(43)}`), 404, 'RESULT_NOT_FOUND');
    await expectError(
      await exchange(`rt1.${'a'.repeat(64)}.${'A'.repeat(43)}`),
      404,
      'RESULT_NOT_FOUND',
    );
    await expectError(await exchange('rt1.short.x'), 404, 'RESULT_NOT_FOUND');
    await expectError(await exchange('x'.repeat(500)), 404, 'RESULT_NOT_FOUND');
    // The real token still works after the misses.
    expect((await exchange(resultToken)).status).toBe(200);
  });

  it('answers 404 for a session that never completed', async () => {
    const { sessionId } = await newSession();
    await expectError(
      await exchange(`rt1.${sessionId.split('.')[0]!}.${'A'.repeat(43)}`),
      404,
      'RESULT_NOT_FOUND',
    );
  });

  it.each([
    ['no bearer', {}],
    ['a wrong bearer', { Authorization: 'Bearer wrong-token-wrong-token-wrong' }],
    ['the token as Basic', { Authorization: `Basic ${MERCHANT_TOKEN}` }],
    ['a bearer with a suffix', { Authorization: `Bearer ${MERCHANT_TOKEN}x` }],
    ['a bearer prefix only', { Authorization: `Bearer ${MERCHANT_TOKEN.slice(0, 10)}` }],
  ])('answers 401 for %s', async (_, headers: Record<string, string>) => {
    const response = await worker('/v1/results/exchange', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: '{"resultToken":"rt1.x.y"}',
    });
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    await expectError(response, 401, 'UNAUTHORIZED');
  });

  it.each([
    ['wrong content type', 'text/plain', '{"resultToken":"x"}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['invalid JSON', 'application/json', '{', 400, 'INVALID_JSON'],
    ['a number token', 'application/json', '{"resultToken":1}', 400, 'INVALID_FIELD'],
    ['a missing token', 'application/json', '{}', 400, 'INVALID_FIELD'],
    [
      'an unknown field',
      'application/json',
      '{"resultToken":"x","sessionId":"y"}',
      400,
      'UNKNOWN_FIELD',
    ],
    [
      'an oversize body',
      'application/json',
      JSON.stringify({ resultToken: 'x'.repeat(2000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s with a JSON 4xx', async (_, type, body, status, code) => {
    const response = await worker('/v1/results/exchange', {
      method: 'POST',
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': type },
      body,
    });
    await expectError(response, status, code);
  });

  it('has no CORS: a browser origin gets no CORS headers', async () => {
    const response = await worker('/v1/results/exchange', {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    await expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });
});
