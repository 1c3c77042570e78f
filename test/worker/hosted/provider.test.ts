import { describe, expect, it } from 'vitest';
import {
  arrive,
  exchange,
  expectError,
  newSession,
  phone,
  worker,
  WORKER_ORIGIN,
} from '../support/flow';
import { hostedSession, pathOf } from './support';

/** The element's call to its session-provider, from the hosted page. */
function provider(path: string, body: unknown = { lang: 'ja' }, origin = WORKER_ORIGIN) {
  return worker(path, {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe("POST /verify/:id (the page's session-provider)", () => {
  it('answers the session as its creation did, without url or token', async () => {
    const created = await hostedSession();
    const response = await provider(pathOf(created.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await response.json()).toEqual({
      sessionId: created.sessionId,
      qrUrl: created.qrUrl,
      expiresAt: expect.any(String),
      status: 'pending',
    });
  });

  it('answers a completed session without its token: the element reads it from the status', async () => {
    const created = await hostedSession();
    await arrive((await phone(created.qrUrl, 'complete'))!);
    const answer = await (await provider(pathOf(created.url))).json<Record<string, unknown>>();
    expect(answer).toMatchObject({ status: 'completed' });
    expect(answer).not.toHaveProperty('resultToken');
  });

  it("answers the page's own POST sent with Origin: null (its no-referrer policy)", async () => {
    const created = await hostedSession();
    expect((await provider(pathOf(created.url), {}, 'null')).status).toBe(200);
  });

  it('refuses another origin with 403 ORIGIN_NOT_ALLOWED', async () => {
    const created = await hostedSession();
    const response = await provider(pathOf(created.url), {}, 'https://shop.example');
    await expectError(response, 403, 'ORIGIN_NOT_ALLOWED');
  });

  it.each([
    ['an unknown field', { referenceId: 'x' }, 'UNKNOWN_FIELD'],
    ['a bad lang', { lang: 'de' }, 'INVALID_FIELD'],
    ['a list', [], 'INVALID_FIELD'],
  ])('refuses %s with 400', async (_, body, code) => {
    const created = await hostedSession();
    await expectError(await provider(pathOf(created.url), body), 400, code);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const created = await hostedSession();
    const response = await worker(pathOf(created.url), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'lang=ja',
    });
    await expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 404 SESSION_NOT_FOUND for a public session, and 410 once exchanged', async () => {
    const open = await newSession();
    await expectError(await provider(`/verify/${open.sessionId}`), 404, 'SESSION_NOT_FOUND');
    const created = await hostedSession();
    await arrive((await phone(created.qrUrl, 'complete'))!);
    const view = await (
      await worker(`/v1/sessions/${created.sessionId}`)
    ).json<{ resultToken: string }>();
    expect((await exchange(view.resultToken)).status).toBe(200);
    await expectError(await provider(pathOf(created.url)), 410, 'RESULT_ALREADY_EXCHANGED');
  });

  it('answers other methods with 405 naming GET, POST', async () => {
    const created = await hostedSession();
    const response = await worker(pathOf(created.url), { method: 'DELETE' });
    await expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });
});
