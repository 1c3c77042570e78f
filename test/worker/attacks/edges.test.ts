import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { call } from '../support/webhooks';
import { MERCHANT_TOKEN, ORIGIN } from '../support/flow';

// Each test plays one attack or misconfiguration of issue 12 and checks its
// refusal. `ENVIRONMENT: undefined` is a deployment that said nothing: production.
const PRODUCTION = { ENVIRONMENT: undefined };
const bearer = { Authorization: `Bearer ${MERCHANT_TOKEN}` };
const risk = JSON.stringify({
  notification_type: 'kyc_passport.risk.update',
  notification_id: `evt_${crypto.randomUUID()}`,
  user_authorization_id: 'u-forged',
});

describe('production is the default', () => {
  it('refuses to run open webhook receivers: 503 CONFIG_WEBHOOK_ALLOWED_CIDRS', async () => {
    const response = await call(
      '/v1/webhooks/paypay/risk',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: risk },
      PRODUCTION,
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: 'CONFIG_WEBHOOK_ALLOWED_CIDRS' },
    });
  });

  it('requires WEBHOOK_PATH_TOKEN even with a source allowlist', async () => {
    const response = await call(
      '/v1/webhooks/paypay/risk',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.7' },
        body: risk,
      },
      { ...PRODUCTION, WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24' },
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'CONFIG_WEBHOOK_PATH_TOKEN' } });
  });

  it('answers /healthz with only {ok} to the public, the details to the bearer', async () => {
    const open = await call('/healthz', {}, PRODUCTION);
    expect(await open.json()).toEqual({ ok: false });
    const detailed = await call('/healthz', { headers: bearer }, PRODUCTION);
    const body = await detailed.json<{ environment: string; missing: string[] }>();
    expect(body.environment).toBe('production');
    expect(body.missing).toEqual(
      expect.arrayContaining(['WEBHOOK_ALLOWED_CIDRS', 'WEBHOOK_PATH_TOKEN']),
    );
    const wrong = await call(
      '/healthz',
      { headers: { Authorization: 'Bearer wrong' } },
      PRODUCTION,
    );
    expect(wrong.status).toBe(401);
  });

  it.each([
    ['an http origin', { ALLOWED_ORIGINS: 'http://127.0.0.1:5173' }, 'ALLOWED_ORIGINS'],
    ['an http callback', { CALLBACK_URL: 'http://127.0.0.1:8787/v1/callback' }, 'CALLBACK_URL'],
    ['an http PayPay', { PAYPAY_API_BASE_URL: 'http://127.0.0.1:8788' }, 'PAYPAY_API_BASE_URL'],
    ['a long KYC retention', { KYC_RETENTION_SECONDS: '7200' }, 'KYC_RETENTION_SECONDS'],
    ['a loopback recon host', { RECON_ALLOWED_HOSTS: '127.0.0.1:8788' }, 'RECON_ALLOWED_HOSTS'],
  ])('refuses %s in production and only warns in development', (_name, weakening, setting) => {
    const base = {
      PAYPAY_API_BASE_URL: 'https://paypay.test',
      PAYPAY_API_KEY: 'k',
      PAYPAY_API_SECRET: 'c2VjcmV0',
      ALLOWED_ORIGINS: 'https://shop.example',
      CALLBACK_URL: 'https://kyc.example/v1/callback',
      MERCHANT_API_TOKEN: 'merchant_token_0123456789abcdefXYZ',
      RECON_ALLOWED_HOSTS: 'files.paypay.test',
      WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24',
      WEBHOOK_PATH_TOKEN: 'path_token_0123456789abcdef_ABCDEF',
    };
    expect(parseConfig(base).problems).toEqual([]);
    const production = parseConfig({ ...base, ...weakening });
    expect(production.problems.map((p) => p.setting)).toContain(setting);
    const development = parseConfig(
      { ...base, ...weakening, ENVIRONMENT: 'development' },
      '127.0.0.1',
    );
    expect(development.problems).toEqual([]);
    expect(development.warnings.map((w) => w.setting)).toContain(setting);
  });
});

describe('robust edges', () => {
  it('reads [vars] written as TOML numbers and booleans, inside the error handling', async () => {
    // A TOML `PUBLIC_SESSIONS = false` reaches the Worker as a boolean.
    const overrides = {
      SESSION_RATE_LIMIT_PER_MINUTE: 10,
      PUBLIC_SESSIONS: false,
    } as unknown as Record<string, string>;
    const health = await call('/healthz', {}, overrides);
    expect(health.status).toBe(200);
    expect(health.headers.get('Content-Type')).toContain('application/json');
    const session = await call(
      '/v1/sessions',
      {
        method: 'POST',
        headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
        body: '{}',
      },
      overrides,
    );
    expect(session.status).toBe(403);
    expect(await session.json()).toMatchObject({ error: { code: 'PUBLIC_SESSIONS_DISABLED' } });
  });

  it.each(['%', '%zz', '%E0%A4%A', 'a%2F..%2F..'])(
    'answers GET /v1/users/%s/kyc with 404 INVALID_ID, not a 500',
    async (segment) => {
      const response = await call(`/v1/users/${segment}/kyc`, { headers: bearer });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_ID' } });
    },
  );

  it('marks every answer nosniff, and HSTS over https', async () => {
    for (const path of ['/healthz', '/v1/events', '/nowhere', '/v1/callback']) {
      const response = await call(`https://kyc.example${path}`);
      expect(response.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
      expect(response.headers.get('Strict-Transport-Security'), path).toMatch(/^max-age=\d+/);
    }
  });
});
