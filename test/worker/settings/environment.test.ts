import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { configOf, parseConfig } from '../../../worker/settings/config';
import { MERCHANT_TOKEN } from '../support/flow';
import { call, envWith, eventBody, uid } from '../support/webhooks';

// Issue 20: ENVIRONMENT=development relaxes the rules (open webhooks, no path
// token, public /healthz details) only for requests to a loopback host. A
// deployment that left it on answers its public hostname with production rules.

const bearer = { Authorization: `Bearer ${MERCHANT_TOKEN}` };

/** A webhook the open (development) receivers take, sent to `origin`. */
function webhookAt(origin: string): Promise<Response> {
  return call(`${origin}/v1/webhooks/paypay/kyc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.10' },
    body: JSON.stringify(eventBody('kyc', uid('u'))),
  });
}

describe('ENVIRONMENT=development (the test settings)', () => {
  it.each([
    'http://127.0.0.1:8787',
    'http://127.1.2.3',
    'http://localhost:8787',
    'http://[::1]:8787',
    'https://localhost',
  ])('is honoured for a request to %s', async (origin) => {
    expect((await webhookAt(origin)).status).toBe(200);
    const health = await call(`${origin}/healthz`);
    expect(await health.json()).toMatchObject({ environment: 'development' });
  });

  it.each([
    'https://kyc.example',
    'http://kyc.example',
    'https://127.0.0.1.nip.io',
    'https://localhost.attacker.example',
    'http://[::2]',
    'http://10.0.0.1',
  ])('is not honoured for a request to %s: production rules apply', async (origin) => {
    const webhook = await webhookAt(origin);
    expect(webhook.status).toBe(503);
    expect(await webhook.json()).toMatchObject({
      error: { code: 'CONFIG_WEBHOOK_ALLOWED_CIDRS' },
    });
    // The public gets {ok} only, as from any production deployment.
    expect(Object.keys(await (await call(`${origin}/healthz`)).json())).toEqual(['ok']);
    // The bearer learns why.
    const detailed = await call(`${origin}/healthz`, { headers: bearer });
    const body = await detailed.json<{
      environment: string;
      warnings: { setting: string; reason: string }[];
    }>();
    expect(body.environment).toBe('production');
    expect(body.warnings).toContainEqual({
      setting: 'ENVIRONMENT',
      reason: expect.stringMatching(/development.*loopback.*production rules apply/),
    });
  });

  it('is read per host by parseConfig: no host, or a public one, is production', () => {
    const settings = { ...(env as unknown as Record<string, string>) };
    expect(parseConfig(settings).environment).toBe('production');
    expect(parseConfig(settings, 'kyc.example').environment).toBe('production');
    expect(parseConfig(settings, '127.0.0.1').environment).toBe('development');
    expect(parseConfig(settings, '127.0.0.1').warnings.map((w) => w.setting)).not.toContain(
      'ENVIRONMENT',
    );
    // Production asked for stays production on loopback too, without a warning.
    const production = parseConfig({ ...settings, ENVIRONMENT: 'production' }, 'localhost');
    expect(production.environment).toBe('production');
    expect(production.warnings.map((w) => w.setting)).not.toContain('ENVIRONMENT');
  });
});

describe('work without a request (the cron, Durable Objects)', () => {
  it('is development only when ENVIRONMENT=development and CALLBACK_URL is on loopback', () => {
    const local = envWith({ CALLBACK_URL: 'http://127.0.0.1:8787/v1/callback' });
    expect(configOf(local).environment).toBe('development');
    const deployed = envWith({ CALLBACK_URL: 'https://kyc.example/v1/callback' });
    expect(configOf(deployed).environment).toBe('production');
    expect(configOf(deployed).warnings.map((w) => w.setting)).toContain('ENVIRONMENT');
    const production = envWith({
      CALLBACK_URL: 'http://127.0.0.1:8787/v1/callback',
      ENVIRONMENT: 'production',
    });
    expect(configOf(production).environment).toBe('production');
  });

  it('is read per request from the same env: one isolate serves both hosts', async () => {
    const same = envWith();
    expect(configOf(same, '127.0.0.1').environment).toBe('development');
    expect(configOf(same, 'kyc.example').environment).toBe('production');
    expect(configOf(same, '127.0.0.1').environment).toBe('development');
  });
});
