import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ORIGIN, arrive, exchange, phone, postSession, testSetting, worker } from '../support/flow';

/**
 * Walks a whole verification the way it happens in production (element, phone,
 * merchant server) and reads every response body and every log line for
 * things that must never be there.
 */
describe('what leaves the Worker', () => {
  const logs: string[] = [];
  beforeEach(() => {
    logs.length = 0;
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('never shows secrets, the user id or KYC fields outside the exchange and merchant routes', async () => {
    const browserFacing: string[] = [];
    const keep = async (response: Response) => {
      browserFacing.push(
        `${response.status} ${[...response.headers].map((h) => h.join(': ')).join('\n')}\n${await response.clone().text()}`,
      );
      return response;
    };

    const created = await keep(await postSession({ referenceId: 'user-42', lang: 'ja' }));
    const { sessionId, qrUrl } = await created.json<{ sessionId: string; qrUrl: string }>();
    // The stream is read whole once it ends (at `completed`), not cloned now.
    const events = await worker(`/v1/sessions/${sessionId}/events`, {
      headers: { Origin: ORIGIN },
    });
    await keep(await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } }));
    const location = (await phone(qrUrl, 'complete'))!;
    // The callback's 303 (its Location is the phone's address bar), then the page.
    const callbackUrl = new URL(location);
    await keep(await worker(`${callbackUrl.pathname}${callbackUrl.search}`));
    await keep(await arrive(location));
    const streamed = await events.text();
    browserFacing.push(streamed);
    const view = await (
      await keep(await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } }))
    ).json<{ resultToken: string }>();

    const exchanged = await exchange(view.resultToken);
    const result = await exchanged.json<{
      userAuthorizationId: string;
      kyc: Record<string, unknown>;
    }>();
    const merchantLive = await worker(`/v1/users/${result.userAuthorizationId}/kyc`, {
      headers: { Authorization: `Bearer ${testSetting('MERCHANT_API_TOKEN')}` },
    });
    expect(merchantLive.status).toBe(200);
    await keep(await exchange(view.resultToken)); // the refused second exchange is as good as public

    const kyc = result.kyc as {
      name: Record<string, string>;
      dateOfBirth: string;
      address: Record<string, string>;
    };
    const forbidden = {
      'API secret': testSetting('PAYPAY_API_SECRET'),
      'API key': testSetting('PAYPAY_API_KEY'),
      'merchant token': testSetting('MERCHANT_API_TOKEN'),
      userAuthorizationId: result.userAuthorizationId,
      'last name': kyc.name.lastName!,
      'first name': kyc.name.firstName!,
      'kana name': kyc.name.lastNameKana!,
      'date of birth': kyc.dateOfBirth,
      'postal code': kyc.address.postalCode!,
      'address line': kyc.address.addressLine1!,
      responseToken: new URL(location).searchParams.get('responseToken')!,
    };
    expect(streamed).toContain('completed');
    expect(logs.length).toBeGreaterThanOrEqual(7);
    for (const [what, value] of Object.entries(forbidden)) {
      expect(value.length, what).toBeGreaterThan(1);
      for (const body of browserFacing)
        expect(body, `${what} in a browser-facing response`).not.toContain(value);
      for (const line of logs) expect(line, `${what} in a log line`).not.toContain(value);
    }
    // The result token is a bearer of personal data too: never logged.
    for (const line of logs) expect(line).not.toContain(view.resultToken);
  });

  it('writes one structured JSON line per request with route, status, time and request ids', async () => {
    const response = await postSession({});
    const lines = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.type === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      type: 'request',
      method: 'POST',
      route: '/v1/sessions',
      status: 201,
      ms: expect.any(Number),
      requestId: response.headers.get('X-Request-Id'),
      paypayRequestId: expect.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
    });
  });

  it('logs the route pattern, not the session id in the path', async () => {
    await worker('/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA', { headers: { Origin: ORIGIN } });
    const line = JSON.parse(logs.find((l) => l.includes('"request"'))!);
    expect(line.route).toBe('/v1/sessions/:id');
    expect(logs.join('\n')).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAA');
  });
});
