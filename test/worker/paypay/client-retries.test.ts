import { describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../../worker/paypay/endpoints';
import { client, doubleFetch, envelope, NOW, qrInput } from '../support/paypay-double';

describe('PayPayClient', () => {
  it('retries a read on 429, 500 and 503 with growing backoff, then succeeds', async () => {
    const { fn, seen } = doubleFetch([
      envelope(429, 'RATE_LIMIT'),
      envelope(503, 'MAINTENANCE_MODE'),
      envelope(200, 'SUCCESS', { ok: 1 }),
    ]);
    const { c, sleeps } = client(fn);
    const result = await c.kycPassportInfo('u');
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    // Every try is signed anew: a new nonce each time.
    const nonces = seen.map((s) => s.headers.get('Authorization')!.split(':')[3]);
    expect(new Set(nonces).size).toBe(3);
  });

  it('stops after the bounded number of tries and reports the last failure', async () => {
    const { fn, seen } = doubleFetch([envelope(500, 'INTERNAL_SERVER_ERROR')]);
    const result = await client(fn).c.userKycInfo('u');
    expect(result).toMatchObject({
      ok: false,
      code: 'INTERNAL_SERVER_ERROR',
      attempts: 3,
      requestId: 'REQ-INTERNAL_SERVER_ERROR',
    });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a read answered with a 4xx code', async () => {
    const { fn, seen } = doubleFetch([envelope(400, 'UNACCEPTABLE_OP')]);
    const result = await client(fn).c.kycPassportInfo('u');
    expect(result).toMatchObject({ ok: false, code: 'UNACCEPTABLE_OP', status: 400, attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('retries a create after RATE_LIMIT and MAINTENANCE_MODE', async () => {
    const { fn, seen } = doubleFetch([
      envelope(429, 'RATE_LIMIT', null, { 'Retry-After': '1' }),
      envelope(503, 'MAINTENANCE_MODE'),
      envelope(201, 'SUCCESS', { codeId: 'c', linkQRCodeURL: 'https://q.test/c' }),
    ]);
    const { c, sleeps } = client(fn);
    const result = await c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: true,
      attempts: 3,
      data: {
        codeId: 'c',
        expiresAt: NOW + 300_000,
        expiryNote: expect.stringContaining('no expiry'),
      },
    });
    expect(sleeps[0]).toBe(1000);
    // The same bytes on every try.
    expect(new Set(seen.map((s) => new TextDecoder().decode(s.body!))).size).toBe(1);
  });

  it('never retries a create after INTERNAL_SERVER_ERROR, and says the outcome is unknown', async () => {
    const { fn, seen } = doubleFetch([envelope(500, 'INTERNAL_SERVER_ERROR')]);
    const result = await client(fn).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: false,
      code: 'INTERNAL_SERVER_ERROR',
      outcomeUnknown: true,
      attempts: 1,
    });
    expect(seen).toHaveLength(1);
  });

  it('times out a hanging create once, without retrying it', async () => {
    const parsed = parseEndpoints('{"createQr":{"timeoutMs":50}}');
    if (!parsed.ok) throw new Error(parsed.error);
    let calls = 0;
    const hang: typeof fetch = (_input, init) => {
      calls++;
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        ),
      );
    };
    const result = await client(hang, { endpoints: parsed.value }).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: false,
      kind: 'timeout',
      code: 'TIMEOUT',
      outcomeUnknown: true,
      attempts: 1,
    });
    expect(calls).toBe(1);
  });

  it('retries a read after a broken connection', async () => {
    let calls = 0;
    const flaky: typeof fetch = async () => {
      calls++;
      if (calls === 1) throw new TypeError('Network connection lost.');
      return envelope(200, 'SUCCESS', { x: 1 })();
    };
    const result = await client(flaky).c.kycPassportInfo('u');
    expect(result).toMatchObject({ ok: true, attempts: 2 });
  });
});
