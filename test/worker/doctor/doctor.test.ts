import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { TEST_RECEIPT_KEY } from '../support/receipt-key';
import handler from '../../../worker/index';
import { CHECKS, type CheckRow } from '../../../worker/doctor/row';
import { completedSession, expectError, MERCHANT_TOKEN, testSetting } from '../support/flow';
import { MERCHANT, otherMerchant } from '../support/sandbox';

/** Secrets of this file: none may ever appear in an answer. */
const PATH_TOKEN = 'doctor_path_token_0123456789_ABCDEF';
const SANDBOX_SECRET = testSetting('PAYPAY_API_SECRET');
const WRONG_SECRET = btoa('a valid base64 secret, not the sandbox one');
/**
 * A public deployment done right: production, source checks and a path token
 * (the test config has neither, and runs as development on loopback only).
 */
const SECURED = {
  ENVIRONMENT: 'production',
  WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24, 2001:db8::/32',
  WEBHOOK_PATH_TOKEN: PATH_TOKEN,
  RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY,
};

interface DoctorAnswer {
  ok: boolean;
  checks: CheckRow[];
  requestId: string;
}

let windows = 0;
/**
 * RATE_LIMITER with a window of its own: the route keeps one key per deployment,
 * and every call of this file is a run, so tests would otherwise share the 6.
 */
function ownLimiter(): Env['RATE_LIMITER'] {
  const tag = `doctor-test-${++windows}`;
  return new Proxy(env.RATE_LIMITER, {
    get(target, name) {
      if (name === 'idFromName') return (key: string) => target.idFromName(`${tag}:${key}`);
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function callDoctor(
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = { Authorization: `Bearer ${MERCHANT_TOKEN}` },
  method = 'GET',
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request('https://kyc.example/v1/doctor', { method, headers }) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  const response = await handler.fetch(
    request,
    { ...env, ...SECURED, RATE_LIMITER: ownLimiter(), ...overrides } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** A run, checked for shape and for leaks; returns the answer. */
async function run(overrides: Record<string, unknown> = {}): Promise<DoctorAnswer> {
  const response = await callDoctor(overrides);
  expect(response.status).toBe(200);
  expect(response.headers.get('Cache-Control')).toBe('no-store');
  expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  const text = await response.text();
  for (const secret of [
    SANDBOX_SECRET,
    WRONG_SECRET,
    MERCHANT_TOKEN,
    PATH_TOKEN,
    MERCHANT.apiKey,
  ]) {
    expect(text).not.toContain(secret);
  }
  const body = JSON.parse(text) as DoctorAnswer;
  expect(body.requestId).toBe(response.headers.get('X-Request-Id'));
  expect(body.checks.map((row) => row.check)).toEqual([...CHECKS]);
  expect(body.ok).toBe(body.checks.every((row) => row.ok));
  for (const row of body.checks) {
    expect(Object.keys(row).sort()).toEqual(
      row.requestId === undefined
        ? ['check', 'detail', 'ok']
        : ['check', 'detail', 'ok', 'requestId'],
    );
    expect(row.detail.includes('Fix: ')).toBe(!row.ok);
  }
  return body;
}

function rowOf(answer: DoctorAnswer, check: string): CheckRow {
  const row = answer.checks.find((r) => r.check === check);
  if (!row) throw new Error(`no ${check} row`);
  return row;
}

const failing = (answer: DoctorAnswer) => answer.checks.filter((r) => !r.ok).map((r) => r.check);

/** A sandbox merchant of this test's own, with the PayPay settings pointing at it. */
function ownMerchant(options: Record<string, unknown>): Promise<Record<string, string>> {
  return otherMerchant('doctor', options);
}

describe('GET /v1/doctor', () => {
  it('passes every row with the test configuration, each PayPay row with its request id', async () => {
    const answer = await run();
    expect(failing(answer)).toEqual([]);
    expect(answer.ok).toBe(true);
    for (const check of ['clock', 'signature', 'scopes', 'endpoints']) {
      expect(rowOf(answer, check).requestId).toMatch(/^SBX[0-9A-F]{32}$/i);
    }
    for (const check of ['settings', 'callback', 'webhooks', 'recon', 'ingest']) {
      expect(rowOf(answer, check).requestId).toBeUndefined();
    }
    expect(rowOf(answer, 'signature').detail).toContain('401 INVALID_USER_AUTHORIZATION_ID');
    expect(rowOf(answer, 'endpoints').detail).toContain('400 MISSING_REQUEST_PARAMS');
    expect(rowOf(answer, 'endpoints').detail).toContain('404 SESSION_NOT_FOUND');
    expect(rowOf(answer, 'webhooks').detail).toContain(
      'https://kyc.example/v1/webhooks/paypay/<WEBHOOK_PATH_TOKEN>/account-status',
    );
    expect(rowOf(answer, 'recon').detail).toContain('sandbox.test');
    expect(rowOf(answer, 'ingest').detail).toContain('none waits among the dead letters');
    expect(rowOf(answer, 'clock').detail).toMatch(/agree to within a second|[0-9] s /);
  });

  it('needs the merchant bearer, and GET', async () => {
    await expectError(await callDoctor({}, {}), 401, 'UNAUTHORIZED');
    await expectError(await callDoctor({}, { Authorization: 'Bearer wrong' }), 401, 'UNAUTHORIZED');
    const post = await callDoctor({}, { Authorization: `Bearer ${MERCHANT_TOKEN}` }, 'POST');
    await expectError(post, 405, 'METHOD_NOT_ALLOWED');
  });

  it('runs at most 6 times a minute per deployment, whatever the address', async () => {
    const RATE_LIMITER = ownLimiter();
    for (let i = 0; i < 6; i++) {
      const response = await callDoctor(
        { RATE_LIMITER },
        {
          Authorization: `Bearer ${MERCHANT_TOKEN}`,
          'CF-Connecting-IP': `192.0.2.${i}`,
        },
      );
      expect(response.status).toBe(200);
      await response.text();
    }
    const limited = await callDoctor({ RATE_LIMITER });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    await expectError(limited, 429, 'RATE_LIMITED');
  });

  it('a wrong secret fails the signature row', async () => {
    const answer = await run({ PAYPAY_API_SECRET: WRONG_SECRET });
    expect(failing(answer)).toEqual(['signature']);
    const row = rowOf(answer, 'signature');
    expect(row.detail).toContain('UNAUTHORIZED');
    expect(row.detail).toContain('Fix: set PAYPAY_API_KEY and PAYPAY_API_SECRET');
    expect(row.requestId).toMatch(/^SBX/);
    // The other PayPay rows say what they could not confirm instead of failing too.
    expect(rowOf(answer, 'scopes').detail).toContain('Not confirmed');
  });

  it('a wrong path in PAYPAY_ENDPOINTS fails the endpoints row, naming the operation', async () => {
    const answer = await run({
      PAYPAY_ENDPOINTS: JSON.stringify({ userKycInfo: { path: '/v2/user/kyc-info-wrong' } }),
    });
    expect(failing(answer)).toEqual(['endpoints']);
    const { detail } = rowOf(answer, 'endpoints');
    expect(detail).toContain('userKycInfo GET /v2/user/kyc-info-wrong answered 404');
    expect(detail).toContain("Fix: set PAYPAY_ENDPOINTS.userKycInfo.path to PayPay's path for it.");
  });

  it('an http CALLBACK_URL on a public host fails the callback row (and settings names it)', async () => {
    const answer = await run({ CALLBACK_URL: 'http://kyc.example/v1/callback' });
    expect(failing(answer)).toEqual(['settings', 'callback']);
    expect(rowOf(answer, 'settings').detail).toContain(
      'CALLBACK_URL (CALLBACK_URL must be an https',
    );
    expect(rowOf(answer, 'callback').detail).toBe(
      'CALLBACK_URL http://kyc.example/v1/callback is http on a public host. Fix: set CALLBACK_URL to https://kyc.example/v1/callback and register the domain with PayPay as an allowed callback domain.',
    );
  });

  it('a CALLBACK_URL on another host or path fails the callback row', async () => {
    const answer = await run({ CALLBACK_URL: 'https://other.example/callback' });
    expect(failing(answer)).toEqual(['callback']);
    const { detail } = rowOf(answer, 'callback');
    expect(detail).toContain("names the host other.example, not this Worker's (kyc.example)");
    expect(detail).toContain('has the path /callback');
    expect(detail).toContain('Fix: set CALLBACK_URL to https://kyc.example/v1/callback');
  });

  it('a scope PayPay has not enabled for the client fails the scopes row', async () => {
    const merchant = await ownMerchant({ clientScopes: ['kyc_passport_qr', 'get_kyc_info'] });
    const answer = await run(merchant);
    expect(failing(answer)).toEqual(['scopes']);
    const row = rowOf(answer, 'scopes');
    expect(row.detail).toContain('OP_OUT_OF_SCOPE to kycPassportInfo');
    expect(row.detail).toContain(
      'Fix: ask PayPay to enable mini_app_kyc_passport for your client.',
    );
    expect(row.requestId).toMatch(/^SBX/);
    expect(JSON.stringify(answer)).not.toContain(merchant.PAYPAY_API_SECRET);
  });

  it('compares the scopes the most recently verified user was granted with those needed', async () => {
    await completedSession();
    const row = rowOf(await run(), 'scopes');
    expect(row.ok).toBe(true);
    expect(row.detail).toMatch(
      /most recently verified user was granted kyc_passport_qr, .*: all it needs/,
    );
    // Needs one more scope now: new QRs ask for it, but that user never granted it.
    const answer = await run({ USER_KYC_INFO: 'with_foreign_status' });
    expect(failing(answer)).toEqual(['scopes']);
    const failed = rowOf(answer, 'scopes');
    expect(failed.detail).toContain('without kyc_foreign_status');
    expect(failed.detail).toContain('Fix: ask PayPay to enable kyc_foreign_status for your client');
    expect(failed.requestId).toMatch(/^SBX/);
  });

  it('QRs that do not ask for a needed scope fail the scopes row', async () => {
    const answer = await run({ PAYPAY_SCOPES: 'kyc_passport_qr' });
    expect(failing(answer)).toEqual(['scopes']);
    expect(rowOf(answer, 'scopes').detail).toContain(
      'Fix: add mini_app_kyc_passport and get_kyc_info to PAYPAY_SCOPES or leave PAYPAY_SCOPES empty',
    );
    expect(rowOf(answer, 'settings').detail).toContain('Warnings: PAYPAY_SCOPES');
  });

  it('a clock 5 minutes off fails the clock row, and the signature row blames it', async () => {
    const answer = await run(await ownMerchant({ clockOffsetSeconds: 300 }));
    expect(failing(answer)).toEqual(['clock', 'signature']);
    // A second either way: the offset is read across a request on a loaded machine.
    expect(rowOf(answer, 'clock').detail).toMatch(
      /^The Worker's clock is (29[89]|30[0-2]) s behind PayPay's/,
    );
    expect(rowOf(answer, 'clock').detail).toContain('Fix: sync the clock');
    expect(rowOf(answer, 'signature').detail).toContain('the clock is the likely cause');
  });

  it('open webhook receivers on a public host fail the webhooks row', async () => {
    const answer = await run({ WEBHOOK_ALLOWED_CIDRS: '', WEBHOOK_PATH_TOKEN: '' });
    expect(failing(answer)).toEqual(['settings', 'webhooks']);
    const { detail } = rowOf(answer, 'webhooks');
    expect(detail).toContain('https://kyc.example/v1/webhooks/paypay/kyc');
    expect(detail).toContain('Fix: set WEBHOOK_ALLOWED_CIDRS to the addresses PayPay gives you');
    expect(rowOf(answer, 'settings').detail).toContain('WEBHOOK_ALLOWED_CIDRS');
  });

  it('ENVIRONMENT=development left on opens nothing on a public host, and the settings row says so', async () => {
    const answer = await run({
      ENVIRONMENT: 'development',
      WEBHOOK_ALLOWED_CIDRS: '',
      WEBHOOK_PATH_TOKEN: '',
    });
    expect(failing(answer)).toEqual(['settings', 'webhooks']);
    expect(rowOf(answer, 'settings').detail).toContain('Warnings: ENVIRONMENT');
  });

  it('says in the settings row which client ID responseTokens must carry, and whence', async () => {
    const clientId = MERCHANT.apiKey.slice(0, -5);
    expect(rowOf(await run(), 'settings').detail).toContain(
      `responseTokens are accepted for the client ID ${clientId}, derived from PAYPAY_API_KEY (PayPay's shape`,
    );
    const configured = await run({ PAYPAY_CLIENT_ID: 'a_Panel00001' });
    expect(failing(configured)).toEqual([]);
    expect(rowOf(configured, 'settings').detail).toBe(
      'All settings are present and well-formed. responseTokens are accepted for the client ID a_Panel00001 (PAYPAY_CLIENT_ID) or the API key.',
    );
  });

  it('missing PayPay and recon settings fail their rows without calling PayPay', async () => {
    const answer = await run({ PAYPAY_API_KEY: '', RECON_ALLOWED_HOSTS: '' });
    expect(failing(answer)).toEqual([
      'settings',
      'clock',
      'signature',
      'scopes',
      'endpoints',
      'recon',
    ]);
    expect(rowOf(answer, 'settings').detail).toContain(
      'PAYPAY_API_KEY (PAYPAY_API_KEY is not set)',
    );
    expect(rowOf(answer, 'signature').detail).toContain('Not checked');
    expect(rowOf(answer, 'recon').detail).toContain('Fix: set RECON_ALLOWED_HOSTS');
  });
});
