import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../worker/router';
import { call } from '../support/webhooks';

// The route table builds each path's 405 from its lines. These are the
// answers the hand-written methodNotAllowed lines gave, path by path.
const ALLOW: Record<string, string> = {
  '/v1/sessions': 'POST, OPTIONS',
  '/v1/sessions/:id': 'GET, OPTIONS',
  '/v1/sessions/:id/events': 'GET, OPTIONS',
  '/v1/callback': 'GET',
  '/v1/callback/done': 'GET',
  // The hosted verification page (routes/hosted.ts), and its element's session-provider.
  '/verify/:id': 'GET, POST',
  '/v1/results/exchange': 'POST',
  '/.well-known/jwks.json': 'GET',
  '/v1/receipts/:id': 'GET',
  '/v1/users/:uaid/kyc': 'GET',
  '/v1/users/:uaid/kyc-info': 'GET',
  '/v1/users': 'GET',
  '/v1/users/:uaid': 'GET, DELETE',
  '/v1/events': 'GET',
  '/v1/feed/reshard': 'POST',
  '/v1/doctor': 'GET',
  '/v1/dead-letters': 'GET',
  '/v1/dead-letters/replay': 'POST',
  '/v1/metrics': 'GET',
  '/v1/deliveries': 'GET',
  '/v1/deliveries/:eventId/resend': 'POST',
  // The console's twins of /v1 routes (routes/console.ts alsoForConsole), and its page.
  '/console/api/v1/users': 'GET',
  '/console/api/v1/users/:uaid': 'GET, DELETE',
  '/console/api/v1/events': 'GET',
  '/console/api/v1/doctor': 'GET',
  '/console/api/v1/metrics': 'GET',
  '/console/api/v1/deliveries': 'GET',
  '/console/api/v1/deliveries/:eventId/resend': 'POST',
  '/console': 'GET',
  '/console/*': 'GET',
};

/** A request path for a route pattern: each parameter filled with a plain word. */
function pathOf(pattern: string): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => `some-${name}`);
}

describe('the route table', () => {
  it.each(Object.entries(ALLOW))(
    'answers another method on %s with 405, Allow: %s',
    async (pattern, allow) => {
      const response = await call(pathOf(pattern), { method: 'PATCH' });
      expect(response.status).toBe(405);
      expect(response.headers.get('Allow')).toBe(allow);
      expect(await response.json()).toMatchObject({
        error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${allow}` },
      });
    },
  );

  it('knows every path it routes, and no other', () => {
    const paths = new Set(ROUTES.map((route) => route.path));
    const receivers = ['/v1/webhooks/paypay/:kind', '/v1/webhooks/paypay/:token/:kind'];
    expect([...paths].sort()).toEqual([...Object.keys(ALLOW), '/healthz', ...receivers].sort());
  });

  it('answers another method on /healthz as an unknown route, as it always has', async () => {
    const response = await call('/healthz', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers a path it does not know with 404', async () => {
    const response = await call('/v1/nowhere', { method: 'GET' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
