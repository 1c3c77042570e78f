import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../sandbox/config';
import { adminJson, deliveries, putMerchant, registerMerchant, type TestMerchant } from './support';
import { answerPhone, createQr, newQr, readJwt, responseToken } from './qr-flow';

const HOOK = 'https://merchant.test/hooks/kyc';
const FAILING = 'https://merchant.test/hooks/kyc?status=500';
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('registration of variants', () => {
  it.each([
    ['webhookContentType', 'application/json\r\nX-Injected: 1'],
    ['reconFormat', { lineEnd: 'CRLF2' }],
    ['reconFormat', { header: 'no' }],
    ['webhookRetries', 'faq5'],
    ['clientId', 'has space'],
    ['callbackDomains', []],
    ['callbackDomains', ['https://shop.example']],
    ['strictRedirect', 'yes'],
    ['clockOffsetSeconds', 86_401],
    ['clockOffsetSeconds', 1.5],
    ['clientScopes', 'kyc_passport_qr'],
    ['ekyc', 1],
    ['tokenAudience', ''],
    ['tokenAudience', 'has space'],
    ['tokenAudience', []],
    ['tokenAudience', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['tokenAudience', [7]],
    ['birthDateFormat', 'dd.MM.yyyy'],
    ['birthDateFormat', 'parts'],
  ])('refuses a bad %s (%j) with 400 INVALID_MERCHANT naming it', async (field, value) => {
    const { res } = await putMerchant({ [field]: value });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('INVALID_MERCHANT');
    expect(error.message).toContain(field);
  });

  it('takes the default merchant options from SANDBOX_MERCHANT_OPTIONS', () => {
    const env = {
      SANDBOX_API_KEY: 'k',
      SANDBOX_API_SECRET: 'c2VjcmV0',
      SANDBOX_WEBHOOK_URLS: '{}',
      SANDBOX_PUBLIC_URL: '',
    };
    const options = '{"webhookRetries":"faq10","reconFormat":{"header":false,"lineEnd":"LF"}}';
    const config = parseConfig({ ...env, SANDBOX_MERCHANT_OPTIONS: options } as SandboxEnv);
    expect(config.defaultMerchant).toMatchObject({
      apiKey: 'k',
      webhookRetries: 'faq10',
      reconFormat: { header: false, lineEnd: 'LF' },
    });
    expect(
      parseConfig({ ...env, SANDBOX_MERCHANT_OPTIONS: '{}' } as SandboxEnv).defaultMerchant,
    ).not.toHaveProperty('webhookRetries');
    for (const bad of ['[', '{"clockOffsetSeconds":"1"}', '{"apiKey":"x"}']) {
      expect(() => parseConfig({ ...env, SANDBOX_MERCHANT_OPTIONS: bad } as SandboxEnv)).toThrow(
        ConfigError,
      );
    }
  });
});

describe('webhook variants', () => {
  it.each([
    [undefined, 'application/json'],
    ['application/json;charset=UTF-8;', 'application/json;charset=UTF-8;'],
    ['', null],
  ])('webhookContentType %j sends Content-Type %j', async (variant, sent) => {
    const merchant = await registerMerchant({
      webhookUrls: { kyc: HOOK, recon: 'https://merchant.test/hooks/recon' },
      ...(variant === undefined ? {} : { webhookContentType: variant }),
    });
    await adminJson(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' });
    await adminJson(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['u-1'],
    });
    const log = await deliveries(merchant);
    expect(log.map((d) => [d.url, d.status, d.contentType])).toEqual([
      [HOOK, 200, sent],
      ['https://merchant.test/hooks/recon', 200, sent],
    ]);
  });

  it.each([
    ['default', 3, [200, 400]],
    ['faq3', 3, [100, 100]],
    ['faq10', 10, Array.from({ length: 9 }, () => 500)],
  ] as const)(
    'webhookRetries %s tries %i times, that far apart, against a failing receiver',
    async (policy, tries, pauses) => {
      const merchant = await registerMerchant({
        webhookUrls: { kyc: FAILING },
        ...(policy === 'default' ? {} : { webhookRetries: policy }),
      });
      const sent = await adminJson<{ deliveries: { status: number; attempts: number }[] }>(
        merchant,
        'POST',
        '/webhooks',
        { kind: 'kyc', userAuthorizationId: 'u-1' },
      );
      expect(sent.body.deliveries).toEqual([{ status: 500, attempts: tries }]);
      const log = await deliveries(merchant);
      expect(log.map((d) => d.attempt)).toEqual(Array.from({ length: tries }, (_, i) => i + 1));
      const gaps = log.slice(1).map((d, i) => d.at - (log[i]?.at ?? 0));
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual((pauses[i] ?? 0) - 5);
        // Generous above: two busy cores delay timers, never shorten them.
        expect(gap).toBeLessThan((pauses[i] ?? 0) + 400);
      });
    },
    15_000,
  );
});

describe('recon file variants', () => {
  const ids = ['u-1', 'u-2'];

  async function served(reconFormat?: Record<string, unknown>): Promise<string> {
    const merchant = await registerMerchant(reconFormat ? { reconFormat } : {});
    const made = await adminJson<{ path: string }>(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ids,
      notify: false,
    });
    return (await fetch(made.body.path)).text();
  }

  it.each([
    [undefined, 'userAuthorizationId\r\nu-1\r\nu-2\r\n'],
    [{ header: false }, 'u-1\r\nu-2\r\n'],
    [{ lineEnd: 'LF' }, 'userAuthorizationId\nu-1\nu-2\n'],
    [{ lineEnd: 'CR' }, 'userAuthorizationId\ru-1\ru-2\r'],
    [{ quoted: true }, '"userAuthorizationId"\r\n"u-1"\r\n"u-2"\r\n'],
    [{ header: false, lineEnd: 'LF', quoted: true }, '"u-1"\n"u-2"\n'],
  ])('reconFormat %j serves %j', async (format, text) => {
    expect(await served(format)).toBe(text);
  });

  async function fileName(merchant: TestMerchant, fileType: string): Promise<string> {
    const made = await adminJson<{ fileName: string }>(merchant, 'POST', '/recon', {
      fileType,
      userAuthorizationIds: [],
      notify: false,
    });
    return made.body.fileName;
  }

  it('names the KYC file by merchant id and the risk and account-status files by client id', async () => {
    const both = await registerMerchant({ merchantId: 'M7', clientId: 'C7' });
    expect(await fileName(both, 'kyc_passport_sync_recon')).toMatch(/^kyc_passport_M7_\d{8}_/);
    expect(await fileName(both, 'kyc_passport_risk_sync_recon')).toMatch(
      /^kyc_passport_risk_C7_\d{8}_\d{8}\.csv$/,
    );
    expect(await fileName(both, 'kyc_passport_account_status_sync_recon')).toMatch(
      /^kyc_passport_account_status_C7_\d{8}_\d{8}\.csv$/,
    );
    const clientOnly = await registerMerchant({ clientId: 'C8' });
    expect(await fileName(clientOnly, 'kyc_passport_sync_recon')).toMatch(/^kyc_passport_C8_/);
    const neither = await registerMerchant();
    const start = neither.tenant.slice(0, 16);
    expect(await fileName(neither, 'kyc_passport_risk_sync_recon')).toContain(`_risk_${start}_`);
  });
});

describe('the responseToken audience', () => {
  async function audienceOf(merchant: TestMerchant): Promise<unknown> {
    const qr = await newQr(merchant);
    const res = await answerPhone(qr.link, 'complete');
    const jwt = await readJwt(responseToken(res), merchant.apiSecret);
    expect(jwt.validSignature).toBe(true);
    return jwt.claims.aud;
  }

  it("carries the client ID by default: the key without its last '_' and 4 characters", async () => {
    const merchant = await registerMerchant({ apiKey: 'a_Sh0pTest01_x7Q2' });
    expect(await audienceOf(merchant)).toBe('a_Sh0pTest01');
  });

  it('carries the registered clientId, or the whole key when it has no PayPay shape', async () => {
    expect(await audienceOf(await registerMerchant({ clientId: 'a_Panel00001' }))).toBe(
      'a_Panel00001',
    );
    const plain = await registerMerchant({ apiKey: `plain-${crypto.randomUUID()}` });
    expect(await audienceOf(plain)).toBe(plain.apiKey);
  });

  it.each([
    ['apiKey', (key: string) => key],
    ['clientId', (key: string) => key.slice(0, -5)],
    ['a_Other00001', () => 'a_Other00001'],
  ])('tokenAudience %j sets aud', async (tokenAudience, expected) => {
    const merchant = await registerMerchant({ tokenAudience });
    expect(await audienceOf(merchant)).toBe(expected(merchant.apiKey));
  });

  it('tokenAudience as a list sets a list, each word read as above', async () => {
    const merchant = await registerMerchant({ tokenAudience: ['https://x.example', 'clientId'] });
    expect(await audienceOf(merchant)).toEqual(['https://x.example', merchant.apiKey.slice(0, -5)]);
  });
});

describe('redirect rules', () => {
  it('refuses a redirectUrl outside callbackDomains', async () => {
    const merchant = await registerMerchant({ callbackDomains: ['shop.example', 'Kyc.Example'] });
    const outside = await createQr(merchant, { redirectUrl: 'https://evil.example/cb' });
    expect([outside.status, outside.code]).toEqual([400, 'INVALID_PARAMS']);
    expect(outside.message).toContain('callback domains');
    expect(outside.message).toContain('evil.example');
    for (const url of ['https://shop.example/cb', 'https://kyc.example/v1/callback']) {
      expect((await createQr(merchant, { redirectUrl: url })).status).toBe(201);
    }
  });

  it('strictRedirect refuses http to loopback, which is allowed by default', async () => {
    const local = { redirectUrl: 'http://127.0.0.1:8787/v1/callback' };
    expect((await createQr(await registerMerchant(), local)).status).toBe(201);
    const strict = await createQr(await registerMerchant({ strictRedirect: true }), local);
    expect([strict.status, strict.code]).toEqual([400, 'INVALID_PARAMS']);
    expect(strict.message).toContain('https');
  });
});

describe('clock offset and the Date header', () => {
  it('answers with a Date header from the real clock by default', async () => {
    const env = await createQr(await registerMerchant());
    const date = Date.parse(env.headers.get('Date') ?? '') / 1000;
    expect(Math.abs(date - nowSeconds())).toBeLessThanOrEqual(2);
    expect(env.headers.get('Date')).toBe(new Date(date * 1000).toUTCString());
  });

  it('runs the merchant 300 s ahead: real-time signatures are refused, Date and expiry are off', async () => {
    const merchant = await registerMerchant({ clockOffsetSeconds: 300 });
    const refused = await createQr(merchant);
    expect([refused.status, refused.code]).toEqual([401, 'UNAUTHORIZED']);
    const offDate = Date.parse(refused.headers.get('Date') ?? '') / 1000;
    expect(Math.abs(offDate - (nowSeconds() + 300))).toBeLessThanOrEqual(2);
    const created = await createQr(merchant, {}, nowSeconds() + 300);
    expect(created.status).toBe(201);
    const expiry = Number(created.data?.expiryDate);
    expect(Math.abs(expiry - (nowSeconds() + 600))).toBeLessThanOrEqual(2);
  });
});
