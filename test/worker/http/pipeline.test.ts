import { afterEach, describe, expect, it, vi } from 'vitest';
import { MERCHANT_TOKEN, ORIGIN, postSession } from '../support/flow';
import { call } from '../support/webhooks';

afterEach(() => vi.restoreAllMocks());

describe('the one way through the Worker', () => {
  it.each([
    ['a success', '/healthz', {}],
    ['a refusal', '/v1/events', {}],
    ['an unknown route', '/nowhere', {}],
    ['a wrong method', '/v1/events', { method: 'DELETE' }],
  ])(
    'gives %s our request id, no-store and one log line naming the route pattern',
    async (_n, path, init) => {
      const log = vi.spyOn(console, 'log');
      const response = await call(path, init);
      const requestId = response.headers.get('X-Request-Id');
      expect(requestId).toMatch(/^req_[0-9a-f]{24}$/);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      const lines = log.mock.calls
        .map(([line]) => String(line))
        .filter((line) => line.startsWith('{"type":"request"'))
        .map((line) => JSON.parse(line) as { requestId: string; route: string; status: number });
      expect(lines).toEqual([
        expect.objectContaining({ requestId, status: response.status, route: expect.any(String) }),
      ]);
      if (response.status >= 400) {
        const body = await response.json<{ error: { requestId: string } }>();
        expect(body.error.requestId).toBe(requestId);
      }
    },
  );

  it('logs the route pattern, never the path with its ids', async () => {
    const log = vi.spyOn(console, 'log');
    await call('/v1/users/secret-user-id-42', {
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` },
    });
    const line = log.mock.calls.map(([l]) => String(l)).find((l) => l.includes('"request"'));
    expect(line).toContain('"route":"/v1/users/:uaid"');
    expect(line).not.toContain('secret-user-id-42');
  });

  it('turns an unexpected failure into a generic 500 that names only the request id', async () => {
    const broken = {
      idFromName: () => {
        throw new TypeError('binding exploded with a secret in its message');
      },
    };
    const errors = vi.spyOn(console, 'error');
    const response = await call(
      '/v1/events',
      { headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` } },
      { EVENT_FEED: broken },
    );
    expect(response.status).toBe(500);
    const body = await response.json<{ error: { code: string; message: string } }>();
    expect(body.error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Something went wrong' });
    expect(JSON.stringify(errors.mock.calls)).not.toContain('secret in its message');
  });

  it('adds the CORS headers a route chose to every answer of it, errors included', async () => {
    const created = await postSession({});
    expect(created.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const refused = await postSession('{');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
  });
});
