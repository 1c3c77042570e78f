import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import handler from '../../../worker/index';
import {
  arrive,
  exchange,
  expectError,
  MERCHANT_TOKEN,
  ORIGIN,
  phone,
  postSession,
  worker,
  WORKER_ORIGIN,
} from '../support/flow';
import { sandboxSession } from '../support/sandbox';

const kycData = {
  lastName: '山田',
  firstName: '太郎',
  lastNameKana: 'ヤマダ',
  firstNameKana: 'タロウ',
  dateOfBirth: '1990-04-01',
};
const full = {
  referenceId: 'customer-0042',
  phoneNumber: '09012345678',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
  kycData,
  redirectType: 'WEB_LINK',
  lang: 'en',
};

function merchantPost(body: unknown, token = MERCHANT_TOKEN): Promise<Response> {
  return worker('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST /v1/sessions from the merchant server (bearer)', () => {
  it('accepts every optional field, passes them to PayPay, and answers like the public call without CORS', async () => {
    const response = await merchantPost(full);
    expect(response.status).toBe(201);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const created = await response.json<{
      sessionId: string;
      qrUrl: string;
      status: string;
      expiresAt: string;
    }>();
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'qrUrl', 'sessionId', 'status']);
    expect(await sandboxSession(created.qrUrl)).toMatchObject({
      referenceId: 'customer-0042',
      phoneNumber: '09012345678',
      userAgent: full.userAgent,
      kycData,
      redirectType: 'WEB_LINK',
    });
  });

  it('needs no Origin, and is not held to the per-address browser limit', async () => {
    const statuses = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await merchantPost({ referenceId: `c-${i}` })).status);
    expect(statuses).toEqual(Array(12).fill(201));
  });

  it('records the mode: the exchange says the merchant set referenceId', async () => {
    const created = await (
      await merchantPost({ referenceId: 'customer-7', kycData })
    ).json<{ sessionId: string; qrUrl: string }>();
    await arrive((await phone(created.qrUrl, 'complete', { identity: 'expected' }))!);
    const view = await (
      await worker(`/v1/sessions/${created.sessionId}`)
    ).json<{ resultToken: string }>();
    const result = await (
      await exchange(view.resultToken)
    ).json<{ mode: string; referenceId: string; kyc: { name: { lastName: string } } }>();
    expect(result).toMatchObject({ mode: 'merchant', referenceId: 'customer-7' });
    expect(result.kyc.name.lastName).toBe('山田');
  });

  it('ends in failed(KYC_DATA_MISMATCH) when someone else approves', async () => {
    const created = await (
      await merchantPost({ referenceId: 'customer-8', kycData })
    ).json<{ sessionId: string; qrUrl: string }>();
    const page = await arrive((await phone(created.qrUrl, 'complete', { identity: 'other' }))!);
    expect(await page.text()).toContain('data-outcome="failed"');
    const view = await (await worker(`/v1/sessions/${created.sessionId}`)).json();
    expect(view).toMatchObject({ status: 'failed', error: { reason: 'KYC_DATA_MISMATCH' } });
  });

  it.each([
    ['referenceId', { referenceId: 'x'.repeat(256) }],
    ['referenceId', { referenceId: 'a b' }],
    ['phoneNumber', { phoneNumber: '090-1234-5678' }],
    ['phoneNumber', { phoneNumber: '123' }],
    ['phoneNumber', { phoneNumber: 9012345678 }],
    ['userAgent', { userAgent: 'u'.repeat(256) }],
    ['userAgent', { userAgent: 'bad\nheader' }],
    ['userAgent', { userAgent: '' }],
    ['kycData', { kycData: 'Yamada' }],
    ['kycData', { kycData: [] }],
    ['kycData', { kycData: {} }],
    ['kycData', { kycData: { lastName: 1 } }],
    ['kycData', { kycData: { lastName: 'x'.repeat(256) } }],
    ['kycData', { kycData: { 'last name': 'x' } }],
    [
      'kycData',
      { kycData: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 'x'])) },
    ],
    ['kycData', { kycData: { lastName: { nested: 'x' } } }],
    ['redirectType', { redirectType: 'POPUP' }],
    ['lang', { lang: 'de' }],
  ])('refuses a bad %s with 400 INVALID_FIELD naming it', async (field, body) => {
    const response = await merchantPost(body);
    const text = await response.clone().text();
    await expectError(response, 400, 'INVALID_FIELD');
    expect(text).toContain(field);
  });

  it('refuses unknown fields', async () => {
    await expectError(await merchantPost({ deviceId: 'x' }), 400, 'UNKNOWN_FIELD');
  });

  it('refuses a wrong bearer with 401 and creates nothing', async () => {
    await expectError(
      await merchantPost(full, 'wrong-token-wrong-token-wrong-token'),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('POST /v1/sessions from a browser', () => {
  it.each(['phoneNumber', 'kycData', 'userAgent'])(
    'refuses the merchant-only field %s by name',
    async (field) => {
      const response = await postSession({
        [field]: field === 'kycData' ? kycData : '09012345678',
      });
      const body = await response.clone().json<{ error: { message: string } }>();
      await expectError(response, 400, 'MERCHANT_ONLY_FIELD');
      expect(body.error.message).toContain(field);
    },
  );
});

describe('the creating browser is the one PayPay reopens (WEB_LINK userAgent)', () => {
  const ANDROID = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/131.0 Mobile';

  async function createdWith(body: unknown, userAgent: string | null) {
    const response = await postSession(body, userAgent === null ? {} : { 'User-Agent': userAgent });
    expect(response.status).toBe(201);
    return sandboxSession((await response.json<{ qrUrl: string }>()).qrUrl);
  }

  it('asks PayPay for the scopes the configured calls need (USER_KYC_INFO=on in the tests)', async () => {
    expect((await createdWith({}, ANDROID)).scopes).toEqual([
      'kyc_passport_qr',
      'mini_app_kyc_passport',
      'get_kyc_info',
    ]);
  });

  it("passes the browser's own User-Agent on WEB_LINK", async () => {
    expect(await createdWith({}, ANDROID)).toMatchObject({ userAgent: ANDROID });
    expect(await createdWith({ redirectType: 'WEB_LINK' }, ANDROID)).toMatchObject({
      userAgent: ANDROID,
    });
  });

  it("cuts it to PayPay's 255 characters and drops control characters", async () => {
    const long = `${ANDROID} ${'x'.repeat(400)}`;
    expect((await createdWith({}, long)).userAgent).toBe(long.slice(0, 255));
    expect((await createdWith({}, `A\tB`)).userAgent).toBe('AB');
  });

  it('sends none on APP_DEEP_LINK, or when the browser sent none', async () => {
    expect(await createdWith({ redirectType: 'APP_DEEP_LINK' }, ANDROID)).not.toHaveProperty(
      'userAgent',
    );
    expect(await createdWith({}, '   ')).not.toHaveProperty('userAgent');
  });
});

describe('PUBLIC_SESSIONS=off', () => {
  async function call(init: RequestInit) {
    const ctx = createExecutionContext();
    const request = new Request(`${WORKER_ORIGIN}/v1/sessions`, init) as Request<
      unknown,
      IncomingRequestCfProperties
    >;
    const response = await handler.fetch(request, { ...env, PUBLIC_SESSIONS: 'off' } as Env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it('refuses the browser call with 403 PUBLIC_SESSIONS_DISABLED', async () => {
    const response = await call({
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    await expectError(response, 403, 'PUBLIC_SESSIONS_DISABLED');
  });

  it('still serves the merchant server', async () => {
    const response = await call({
      method: 'POST',
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ referenceId: 'customer-9' }),
    });
    expect(response.status).toBe(201);
  });
});
