import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { TEST_RECEIPT_KEY } from '../support/receipt-key';
import { parseConfig } from '../../../worker/settings/config';
import handler from '../../../worker/index';
import { MERCHANT_TOKEN, ORIGIN, WORKER_ORIGIN } from '../support/flow';

const good = {
  PAYPAY_API_BASE_URL: 'https://paypay.test',
  // PayPay's shape: the client ID, then `_` and 4 characters (no PAYPAY_CLIENT_ID needed).
  PAYPAY_API_KEY: 'a_Client0001_k3y9',
  PAYPAY_API_SECRET: 'c2VjcmV0',
  ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
  CALLBACK_URL: 'https://kyc.example/v1/callback',
  MERCHANT_API_TOKEN: 'merchant_token_0123456789abcdefXYZ',
  RECON_ALLOWED_HOSTS: 'files.paypay.test',
  // Production (the default) needs the webhooks closed: a source allowlist and a path token.
  WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24',
  WEBHOOK_PATH_TOKEN: 'path_token_0123456789abcdef_ABCDEF',
  RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY,
};

/**
 * Local development, where loopback http and open webhooks are allowed with a
 * warning: ENVIRONMENT=development, honoured for work on a loopback host (LOCAL).
 */
const DEV = { ENVIRONMENT: 'development' };
const LOCAL = '127.0.0.1';

async function call(
  overrides: Record<string, string | undefined>,
  path: string,
  init: RequestInit = {},
) {
  const ctx = createExecutionContext();
  const request = new Request(`${WORKER_ORIGIN}${path}`, init) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  const response = await handler.fetch(request, { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe('parseConfig', () => {
  it('reads a complete configuration with defaults', () => {
    const config = parseConfig(good);
    expect(config.problems).toEqual([]);
    expect([...config.allowedOrigins]).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(config).toMatchObject({
      sessionRateLimitPerMinute: 10,
      publicSessions: true,
      resultTtlSeconds: 600,
      kycRetentionSeconds: 900,
    });
    // Derived from the calls in use: every verification and every re-read.
    expect(config.paypay.scopes).toEqual(['kyc_passport_qr', 'mini_app_kyc_passport']);
    expect(config.warnings.map((w) => w.setting)).not.toContain('PAYPAY_SCOPES');
  });

  it.each([
    ['on', ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info']],
    [
      'with_foreign_status',
      ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info', 'kyc_foreign_status'],
    ],
  ])('asks for the scopes of Get user KYC info only when USER_KYC_INFO=%s', (value, scopes) => {
    const config = parseConfig({ ...good, USER_KYC_INFO: value });
    expect(config.problems).toEqual([]);
    expect(config.paypay.scopes).toEqual(scopes);
    expect(config.paypay.requiredScopes).toEqual(scopes);
  });

  it('takes PAYPAY_SCOPES as given, with a warning naming what the configured calls lack', () => {
    const config = parseConfig({ ...good, PAYPAY_SCOPES: 'kyc_passport_qr' });
    expect(config.paypay.scopes).toEqual(['kyc_passport_qr']);
    expect(config.problems).toEqual([]);
    const warning = config.warnings.find((w) => w.setting === 'PAYPAY_SCOPES');
    expect(warning?.reason).toContain('mini_app_kyc_passport');
  });

  it.each([
    ['PAYPAY_API_KEY', { PAYPAY_API_KEY: '' }, 'missing'],
    ['PAYPAY_API_SECRET', { PAYPAY_API_SECRET: 'not base64!' }, 'invalid'],
    ['PAYPAY_API_BASE_URL', { PAYPAY_API_BASE_URL: 'http://paypay.test' }, 'invalid'],
    ['PAYPAY_ENDPOINTS', { PAYPAY_ENDPOINTS: '{' }, 'invalid'],
    ['PAYPAY_FIELDS', { PAYPAY_FIELDS: '{"createQr":{"codeId":[]}}' }, 'invalid'],
    ['USER_KYC_INFO', { USER_KYC_INFO: 'yes' }, 'invalid'],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://a.example/path' }, 'invalid'],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: '' }, 'missing'],
    ['CALLBACK_URL', { CALLBACK_URL: 'ftp://x' }, 'invalid'],
    ['MERCHANT_API_TOKEN', { MERCHANT_API_TOKEN: 'short' }, 'invalid'],
    ['SESSION_RATE_LIMIT_PER_MINUTE', { SESSION_RATE_LIMIT_PER_MINUTE: 'ten' }, 'invalid'],
    ['PUBLIC_SESSIONS', { PUBLIC_SESSIONS: 'maybe' }, 'invalid'],
    ['WEBHOOK_ALLOWED_CIDRS', { WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/33' }, 'invalid'],
    ['WEBHOOK_ALLOWED_CIDRS', { WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24, nope' }, 'invalid'],
    ['WEBHOOK_PATH_TOKEN', { WEBHOOK_PATH_TOKEN: 'short' }, 'invalid'],
    ['WEBHOOK_PATH_TOKEN', { WEBHOOK_PATH_TOKEN: 'has/slash/in/it/0123456' }, 'invalid'],
    ['RECON_ALLOWED_HOSTS', { RECON_ALLOWED_HOSTS: '' }, 'missing'],
    ['RECON_ALLOWED_HOSTS', { RECON_ALLOWED_HOSTS: 'https://files.paypay.test' }, 'invalid'],
    ['RECON_ALLOWED_HOSTS', { RECON_ALLOWED_HOSTS: 'a.test/path' }, 'invalid'],
    ['RECON_ALLOWED_HOSTS', { RECON_ALLOWED_HOSTS: 'user@a.test' }, 'invalid'],
    ['MERCHANT_WEBHOOK_URL', { MERCHANT_WEBHOOK_URL: 'http://merchant.test/hook' }, 'invalid'],
    ['MERCHANT_WEBHOOK_SECRET', { MERCHANT_WEBHOOK_URL: 'https://m.test/h' }, 'missing'],
    [
      'MERCHANT_WEBHOOK_SECRET',
      { MERCHANT_WEBHOOK_URL: 'https://m.test/h', MERCHANT_WEBHOOK_SECRET: 'c2VjcmV0' },
      'invalid',
    ],
    [
      'MERCHANT_WEBHOOK_SECRET',
      { MERCHANT_WEBHOOK_URL: 'https://m.test/h', MERCHANT_WEBHOOK_SECRET: 'whsec_c2VjcmV0' },
      'invalid',
    ],
  ])('names %s when it is %s', (setting, override, problem) => {
    const config = parseConfig({ ...good, ...override });
    expect(config.problems).toContainEqual(expect.objectContaining({ setting, problem }));
  });

  // Loopback http exists only in local development, so only there is it allowed.
  it('allows http only for loopback hosts', () => {
    expect(
      parseConfig({ ...good, ...DEV, PAYPAY_API_BASE_URL: 'http://127.0.0.1:8788' }, LOCAL)
        .problems,
    ).toEqual([]);
    expect(
      parseConfig({ ...good, ...DEV, CALLBACK_URL: 'http://localhost:8787/v1/callback' }, LOCAL)
        .problems,
    ).toEqual([]);
  });

  it('reads the webhook, recon and forwarding settings', () => {
    const config = parseConfig({
      ...good,
      WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24, 2001:db8::/32',
      WEBHOOK_PATH_TOKEN: 'tok_0123456789abcdef_ABCDEFGHIJKL',
      RECON_ALLOWED_HOSTS: 'Files.PayPay.test, files2.paypay.test:8443',
      MERCHANT_WEBHOOK_URL: 'https://merchant.test/hooks',
      MERCHANT_WEBHOOK_SECRET: 'whsec_' + btoa('k'.repeat(32)),
    });
    expect(config.problems).toEqual([]);
    expect(config.warnings).toEqual([]);
    expect(config.webhooks.allowedCidrs).toHaveLength(2);
    expect(config.webhooks.pathToken).toBe('tok_0123456789abcdef_ABCDEFGHIJKL');
    expect([...config.reconAllowedHosts]).toEqual(['files.paypay.test', 'files2.paypay.test:8443']);
    expect(config.merchantWebhook?.url).toBe('https://merchant.test/hooks');
    expect(config.merchantWebhook?.secret).toHaveLength(32);
  });

  it('warns, without failing, when webhooks are accepted from any source (development)', () => {
    const config = parseConfig({ ...good, ...DEV, WEBHOOK_ALLOWED_CIDRS: '' }, LOCAL);
    expect(config.problems).toEqual([]);
    expect(config.webhooks.allowedCidrs).toBeNull();
    expect(config.warnings).toEqual([
      expect.objectContaining({ setting: 'WEBHOOK_ALLOWED_CIDRS' }),
    ]);
  });

  it('allows forwarding over http only to loopback', () => {
    const secret = 'whsec_' + btoa('k'.repeat(24));
    const local = parseConfig(
      {
        ...good,
        ...DEV,
        MERCHANT_WEBHOOK_URL: 'http://127.0.0.1:9000/hooks',
        MERCHANT_WEBHOOK_SECRET: secret,
      },
      LOCAL,
    );
    expect(local.problems).toEqual([]);
    expect(local.merchantWebhook).not.toBeNull();
  });

  it('never puts a value in a problem', () => {
    const secret = 'not-base64-secret-value!';
    const config = parseConfig({ ...good, PAYPAY_API_SECRET: secret, MERCHANT_API_TOKEN: 'tiny' });
    expect(JSON.stringify(config.problems)).not.toContain(secret);
    expect(JSON.stringify(config.problems)).not.toContain('tiny');
  });
});

describe('GET /healthz', () => {
  it('says ok when everything is set', async () => {
    const response = await call({}, '/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      environment: 'development',
      missing: [],
      invalid: [],
      // The test settings accept webhooks from any source, without a path token:
      // fine here, refused in production.
      warnings: [
        { setting: 'WEBHOOK_ALLOWED_CIDRS', reason: expect.stringContaining('empty') },
        { setting: 'WEBHOOK_PATH_TOKEN', reason: expect.stringContaining('not set') },
        // No key set: development signs receipts with a throwaway one, and says so.
        { setting: 'RECEIPT_SIGNING_KEY', reason: expect.stringContaining('throwaway') },
      ],
      // The test key has PayPay's shape (test/worker/paypay/client-id.test.ts has the others).
      clientId: {
        source: 'derived',
        detail: expect.stringContaining('derived from PAYPAY_API_KEY'),
      },
      // Notifications the ingest queue gave up on: none (test/worker/queues/dead-letters.test.ts).
      deadLetters: 0,
    });
  });

  it('lists missing and malformed settings by name, never by value', async () => {
    const response = await call(
      { PAYPAY_API_KEY: undefined, PAYPAY_API_SECRET: 'bad secret value' },
      '/healthz',
    );
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      ok: false,
      missing: ['PAYPAY_API_KEY'],
      invalid: [{ setting: 'PAYPAY_API_SECRET' }],
    });
    expect(text).not.toContain('bad secret value');
  });
});

describe('routes that need a missing setting', () => {
  it('answer 503 with a code naming the setting', async () => {
    const response = await call({ CALLBACK_URL: '' }, '/v1/sessions', {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'CONFIG_CALLBACK_URL' } });
  });

  it('answer 503 on merchant routes without MERCHANT_API_TOKEN', async () => {
    const response = await call({ MERCHANT_API_TOKEN: '' }, '/v1/results/exchange', {
      method: 'POST',
      headers: { Authorization: 'Bearer anything', 'Content-Type': 'application/json' },
      body: '{"resultToken":"x"}',
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'CONFIG_MERCHANT_API_TOKEN' } });
  });

  it('PUBLIC_SESSIONS=off refuses browser session creation with 403', async () => {
    const response = await call({ PUBLIC_SESSIONS: 'off' }, '/v1/sessions', {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'PUBLIC_SESSIONS_DISABLED' } });
  });
});

describe('PUBLIC_SESSIONS with a value it does not know', () => {
  // `no`, `0` or `disabled` mean "off" to whoever wrote them: reading them as the
  // default (on) would open browser creation the merchant meant to close.
  it.each(['no', '0', 'disabled'])('PUBLIC_SESSIONS=%s fails closed, named', async (value) => {
    const config = parseConfig({ ...good, PUBLIC_SESSIONS: value });
    expect(config.publicSessions).toBe(false);
    expect(config.problems).toContainEqual(
      expect.objectContaining({ setting: 'PUBLIC_SESSIONS', problem: 'invalid' }),
    );
    const browser = await call({ PUBLIC_SESSIONS: value }, '/v1/sessions', {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(browser.status).toBe(503);
    expect(await browser.json()).toMatchObject({ error: { code: 'CONFIG_PUBLIC_SESSIONS' } });
    const health = await call({ PUBLIC_SESSIONS: value }, '/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      ok: false,
      invalid: [{ setting: 'PUBLIC_SESSIONS', reason: expect.stringContaining('on or off') }],
    });
    // The merchant's own server still creates sessions: the setting is about browsers.
    const merchant = await call({ PUBLIC_SESSIONS: value }, '/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(merchant.status).toBe(201);
  });
});

describe('unknown routes', () => {
  it('answer a JSON 404 with a request id header', async () => {
    const response = await call({}, '/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('X-Request-Id')).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
