import { describe, expect, it } from 'vitest';
import { admin, adminJson, BASE, passportInfo, registerMerchant } from './support';
import { approvedUser } from './qr-flow';
import { authorizationOfUser, expectCode, unlink } from './user-authorizations';

describe('faults on the authorization calls', () => {
  it('internal_error on unlinkUser answers 500 but unlinks (outcome unknown)', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const put = await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'internal_error',
      times: 1,
    });
    expect(put.status).toBe(200);
    const env = await unlink(merchant, uaid);
    expect([env.status, env.code, env.codeId]).toEqual([500, 'INTERNAL_SERVER_ERROR', '08101000']);
    expectCode(await authorizationOfUser(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
    // The fault is spent: the retry is a plain second unlink.
    expectCode(await unlink(merchant, uaid), 401, 'INVALID_USER_AUTHORIZATION_ID');
  });

  it('rate_limit and maintenance on unlinkUser refuse without unlinking', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'rate_limit',
      times: 1,
    });
    await admin(merchant, 'PUT', '/faults', {
      operation: 'unlinkUser',
      fault: 'maintenance',
      times: 1,
    });
    const limited = await unlink(merchant, uaid);
    expect([limited.status, limited.code]).toEqual([429, 'RATE_LIMIT']);
    const down = await unlink(merchant, uaid);
    expect([down.status, down.code]).toEqual([503, 'MAINTENANCE_MODE']);
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
    expect((await unlink(merchant, uaid)).status).toBe(201);
  });

  it('internal_error on userAuthorization answers 500 and changes nothing', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await admin(merchant, 'PUT', '/faults', {
      operation: 'userAuthorization',
      fault: 'internal_error',
      times: 1,
    });
    const failed = await authorizationOfUser(merchant, uaid);
    expect([failed.status, failed.code]).toEqual([500, 'INTERNAL_SERVER_ERROR']);
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
    expect((await passportInfo(merchant, uaid)).status).toBe(200);
  });

  it('counts both calls in GET /_sandbox/calls', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    await authorizationOfUser(merchant, uaid);
    await authorizationOfUser(merchant, 'nobody');
    await unlink(merchant, uaid);
    const calls = await adminJson<Record<string, number>>(merchant, 'GET', '/calls');
    expect(calls.body).toMatchObject({ userAuthorization: 2, unlinkUser: 1, unauthorized: 0 });
  });
});

describe('bad admin bodies', () => {
  it.each([
    ['a string', { expireAt: '2000000000' }],
    ['a fraction', { expireAt: 2_000_000_000.5 }],
    ['negative', { expireAt: -1 }],
    ['missing', {}],
    ['null', { expireAt: null }],
    ['not an object', [2_000_000_000]],
  ])('PUT authorization refuses an expireAt that is %s', async (_, body) => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const res = await adminJson<{ error: { code: string; message: string } }>(
      merchant,
      'PUT',
      `/users/${uaid}/authorization`,
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_BODY');
    expect(res.body.error.message).toContain('expireAt');
    // Nothing changed.
    expect((await authorizationOfUser(merchant, uaid)).status).toBe(201);
  });

  it('PUT authorization refuses a body that is not JSON and an unknown user', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(merchant);
    const notJson = await fetch(`${BASE}/_sandbox/users/${uaid}/authorization`, {
      method: 'PUT',
      headers: { 'X-Sandbox-Api-Key': merchant.apiKey, 'Content-Type': 'application/json' },
      body: '{expireAt:',
    });
    expect(notJson.status).toBe(400);
    const unknown = await adminJson<{ error: { code: string } }>(
      merchant,
      'PUT',
      `/users/${crypto.randomUUID()}/authorization`,
      { expireAt: 2_000_000_000 },
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const wrongMethod = await admin(merchant, 'POST', `/users/${uaid}/authorization`, {
      expireAt: 2_000_000_000,
    });
    expect(wrongMethod.status).toBe(404);
  });

  it('POST /_sandbox/users refuses a bad expireAt', async () => {
    const merchant = await registerMerchant();
    for (const expireAt of ['soon', 1.5, -5, true]) {
      const res = await adminJson<{ error: { code: string; message: string } }>(
        merchant,
        'POST',
        '/users',
        { expireAt },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
      expect(res.body.error.message).toContain('expireAt');
    }
  });
});
