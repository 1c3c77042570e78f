import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier } from '../../../worker/paypay/pkce';
import { parseEndpoints } from '../../../worker/paypay/endpoints';
import { adminCall, client, KEY, MERCHANT_ID, qr, SECRET, user } from '../support/sandbox-merchant';

beforeAll(async () => {
  await adminCall('PUT', '/merchant', { apiKey: KEY, apiSecret: SECRET, merchantId: MERCHANT_ID });
});

beforeEach(async () => {
  await adminCall('POST', '/reset');
});

describe('PayPayClient retries under sandbox faults', () => {
  it('retries a read through RATE_LIMIT and MAINTENANCE_MODE, then succeeds', async () => {
    const uaid = await user();
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'rate_limit',
      times: 1,
    });
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'maintenance',
      times: 1,
    });
    const info = await client().kycPassportInfo(uaid);
    expect(info).toMatchObject({ ok: true, attempts: 3 });
    expect((await adminCall('GET', '/calls')).kycPassportInfo).toBe(3);
  });

  it('gives up on a read after the bounded number of tries', async () => {
    await adminCall('PUT', '/faults', { operation: 'userKycInfo', fault: 'internal_error' });
    const info = await client().userKycInfo('u');
    expect(info).toMatchObject({
      ok: false,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      attempts: 3,
      outcomeUnknown: false,
    });
    expect((await adminCall('GET', '/calls')).userKycInfo).toBe(3);
  });

  it('retries a create after RATE_LIMIT', async () => {
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'rate_limit', times: 2 });
    const created = await qr();
    expect(created.codeId).toBeTruthy();
    expect((await adminCall('GET', '/calls')).createQr).toBe(3);
  });

  it('never retries a create after INTERNAL_SERVER_ERROR', async () => {
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'internal_error', times: 1 });
    await expect(qr()).rejects.toThrow('INTERNAL_SERVER_ERROR');
    expect((await adminCall('GET', '/calls')).createQr).toBe(1);
  });

  it('times out a hanging create once and reports an unknown outcome', async () => {
    const parsed = parseEndpoints('{"createQr":{"timeoutMs":200}}');
    if (!parsed.ok) throw new Error(parsed.error);
    await adminCall('PUT', '/faults', { operation: 'createQr', fault: 'hang', latencyMs: 1500 });
    const c = client({ endpoints: parsed.value });
    const started = Date.now();
    const result = await c.createKycPassportQr({
      scopes: ['kyc_passport_qr'],
      nonce: 'n',
      redirectUrl: 'https://kyc.example/v1/callback',
      redirectType: 'WEB_LINK',
      codeChallenge: await codeChallengeS256(createCodeVerifier()),
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      code: 'TIMEOUT',
      outcomeUnknown: true,
      attempts: 1,
    });
    expect(Date.now() - started).toBeLessThan(1200);
    expect((await adminCall('GET', '/calls')).createQr).toBe(1);
  });

  it('retries a read that timed out', async () => {
    const uaid = await user();
    const parsed = parseEndpoints('{"kycPassportInfo":{"timeoutMs":200}}');
    if (!parsed.ok) throw new Error(parsed.error);
    await adminCall('PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'hang',
      latencyMs: 1000,
      times: 1,
    });
    const info = await client({ endpoints: parsed.value }).kycPassportInfo(uaid);
    expect(info).toMatchObject({ ok: true, attempts: 2 });
  });
});
