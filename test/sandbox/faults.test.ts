import { describe, expect, it } from 'vitest';
import {
  admin,
  call,
  deliveries,
  envelopeOf,
  passportInfo,
  randomSecret,
  registerMerchant,
  userKycInfo,
} from './support';
import { qrBody } from './qr-flow';

describe('faults', () => {
  it('rate_limit answers 429 for `times` requests, then normally; all are counted', async () => {
    const merchant = await registerMerchant();
    const put = await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'rate_limit',
      times: 2,
    });
    expect(put.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
      statuses.push(res.status);
      if (res.status === 429) {
        const env = await envelopeOf(res);
        expect([env.code, env.codeId]).toEqual(['RATE_LIMIT', '08100998']);
      }
    }
    expect(statuses).toEqual([429, 429, 201]);
    const calls = (await (await admin(merchant, 'GET', '/calls')).json()) as Record<string, number>;
    expect(calls.createQr).toBe(3);
  });

  it('internal_error answers 500 but still creates the QR (outcome unknown)', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'internal_error',
      times: 1,
    });
    const { body } = await qrBody({ referenceId: 'unknown-outcome' });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect([env.status, env.code, env.codeId]).toEqual([500, 'INTERNAL_SERVER_ERROR', '08101000']);
    const { sessions } = (await (await admin(merchant, 'GET', '/sessions')).json()) as {
      sessions: { referenceId?: string; nonce: string }[];
    };
    expect(sessions.map((s) => s.nonce)).toEqual([body.nonce]);
  });

  it('maintenance on every operation answers 503 MAINTENANCE_MODE', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', { operation: '*', fault: 'maintenance' });
    const env = await userKycInfo(merchant, '?userAuthorizationId=u');
    expect([env.status, env.code, env.codeId]).toEqual([503, 'MAINTENANCE_MODE', '08100999']);
    const qr = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(qr.status).toBe(503);
  });

  it('latency delays the answer, which is otherwise normal', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'latency',
      latencyMs: 300,
    });
    const started = Date.now();
    const res = await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('hang answers nothing for latencyMs, then 500', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'kycPassportInfo',
      fault: 'hang',
      latencyMs: 300,
    });
    const started = Date.now();
    const env = await passportInfo(merchant, 'u');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect([env.status, env.code]).toEqual([500, 'INTERNAL_SERVER_ERROR']);
  });

  it('affects only its operation, after authentication, and DELETE clears it', async () => {
    const merchant = await registerMerchant();
    await admin(merchant, 'PUT', '/faults', {
      operation: 'userKycInfo',
      fault: 'rate_limit',
      times: 1,
    });
    expect(
      (await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body })).status,
    ).toBe(201);
    const unsigned = await call(merchant, 'GET', '/v2/user/kycInfo', {
      query: '?userAuthorizationId=u',
      secret: randomSecret(),
    });
    expect(unsigned.status).toBe(401);
    const faults = (await (await admin(merchant, 'GET', '/faults')).json()) as {
      faults: unknown[];
    };
    expect(faults.faults).toHaveLength(1);
    expect((await admin(merchant, 'DELETE', '/faults')).status).toBe(200);
    const env = await userKycInfo(merchant, '?userAuthorizationId=u');
    expect(env.code).toBe('INVALID_USER_AUTHORIZATION_ID');
  });

  it('rejects an unknown fault kind', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'PUT', '/faults', {
      operation: 'createQr',
      fault: 'explode',
    });
    expect(res.status).toBe(400);
  });

  it('reset clears faults, counters and deliveries but keeps the merchant', async () => {
    const merchant = await registerMerchant({ webhookUrls: { kyc: 'https://merchant.test/kyc' } });
    await admin(merchant, 'PUT', '/faults', { operation: '*', fault: 'rate_limit' });
    await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body });
    await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' });
    expect((await admin(merchant, 'POST', '/reset')).status).toBe(200);
    expect(await (await admin(merchant, 'GET', '/calls')).json()).toEqual({
      createQr: 0,
      fetchCompletedKyc: 0,
      kycPassportInfo: 0,
      userKycInfo: 0,
      userAuthorization: 0,
      unlinkUser: 0,
      unauthorized: 0,
    });
    expect(await deliveries(merchant)).toEqual([]);
    expect(
      (await call(merchant, 'POST', '/v1/qr/sessions', { body: (await qrBody()).body })).status,
    ).toBe(201);
  });
});
