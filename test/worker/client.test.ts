import { describe, expect, it } from 'vitest';
import { PayPayClient } from '../../worker/paypay/client';
import { parseEndpoints } from '../../worker/paypay/endpoints';
import { parseFields } from '../../worker/paypay/fields';
import { opaAuthHeader } from '../../worker/paypay/signing';

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array | null;
}

const KEY = 'client_key';
const SECRET = 'Y2xpZW50X3NlY3JldA==';
const NOW = 1_790_000_000_000;

/**
 * A PayPay double that re-derives each request's OPA-Auth header from the bytes
 * it received (so a client that signs one body and sends another fails), then
 * answers from a script.
 */
function doubleFetch(script: Array<(seen: Seen) => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  const fn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
    const entry = { method: request.method, url: request.url, headers: request.headers, body };
    seen.push(entry);
    const [, , , nonce, epoch] = (request.headers.get('Authorization') ?? '').split(':');
    const expected = opaAuthHeader({
      apiKey: KEY,
      apiSecret: SECRET,
      method: request.method,
      path: new URL(request.url).pathname,
      contentType: request.headers.get('Content-Type') ?? undefined,
      body: body ?? undefined,
      nonce: nonce ?? '',
      epoch: Number(epoch),
    });
    if (request.headers.get('Authorization') !== expected) {
      return Response.json(
        { resultInfo: { code: 'UNAUTHORIZED', message: 'bad signature', codeId: '08100016' } },
        { status: 401 },
      );
    }
    const step = script[Math.min(seen.length - 1, script.length - 1)]!;
    return step(entry);
  };
  return { fn, seen };
}

function envelope(
  status: number,
  code: string,
  data: unknown = null,
  headers: Record<string, string> = {},
) {
  return () =>
    Response.json(
      { resultInfo: { code, message: code.toLowerCase(), codeId: '08100000' }, data },
      { status, headers: { 'X-REQUEST-ID': `REQ-${code}`, ...headers } },
    );
}

function client(
  fetchFn: typeof fetch,
  extra: Partial<ConstructorParameters<typeof PayPayClient>[0]> = {},
) {
  const sleeps: number[] = [];
  const c = new PayPayClient({
    baseUrl: 'https://paypay.test',
    apiKey: KEY,
    apiSecret: SECRET,
    fetch: fetchFn,
    now: () => NOW,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

const qrInput = {
  scopes: ['kyc_passport_qr'],
  nonce: 'session-nonce',
  redirectUrl: 'https://kyc.example/v1/callback',
  redirectType: 'WEB_LINK' as const,
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  referenceId: 'user-42',
};

describe('PayPayClient', () => {
  it('creates a KYC Passport QR with a signed body that is exactly the sent body', async () => {
    const { fn, seen } = doubleFetch([
      envelope(201, 'SUCCESS', {
        codeId: 'kpq_1',
        linkQRCodeURL: 'https://qr.paypay.test/kpq_1',
        expiryDate: 1_790_000_300,
      }),
    ]);
    const { c } = client(fn);
    const result = await c.createKycPassportQr(qrInput);
    expect(result).toEqual({
      ok: true,
      operation: 'createQr',
      status: 201,
      data: {
        codeId: 'kpq_1',
        linkQRCodeURL: 'https://qr.paypay.test/kpq_1',
        expiresAt: 1_790_000_300_000,
        expiryNote: null,
      },
      requestId: 'REQ-SUCCESS',
      attempts: 1,
    });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('https://paypay.test/v1/qr/sessions');
    expect(seen[0]!.headers.get('Content-Type')).toBe('application/json');
    expect(seen[0]!.headers.get('X-ASSUME-MERCHANT')).toBeNull();
    const sent = JSON.parse(new TextDecoder().decode(seen[0]!.body!));
    expect(sent).toEqual({
      scopes: ['kyc_passport_qr'],
      nonce: 'session-nonce',
      redirectType: 'WEB_LINK',
      redirectUrl: 'https://kyc.example/v1/callback',
      referenceId: 'user-42',
      accountLinkFlow: 'KYC_PASSPORT',
      kycPassport: { codeChallenge: qrInput.codeChallenge, codeChallengeMethod: 'S256' },
    });
    expect(seen[0]!.headers.get('Authorization')).toMatch(
      /^hmac OPA-Auth:client_key:[A-Za-z0-9+/=]+:[a-z0-9]{16}:1790000000:[A-Za-z0-9+/=]+$/,
    );
  });

  it('sends X-ASSUME-MERCHANT only when a merchant id is configured', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { a: 1 })]);
    await client(fn, { merchantId: 'M-1' }).c.kycPassportInfo('uaid-1');
    expect(seen[0]!.headers.get('X-ASSUME-MERCHANT')).toBe('M-1');
  });

  it('puts the user in the X-USER-AUTHORIZATION-ID header for KYC Passport info, signed without body', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { kycStatus: 'COMPLETED' })]);
    const result = await client(fn).c.kycPassportInfo('uaid-1');
    expect(result.ok && result.data).toEqual({ kycStatus: 'COMPLETED' });
    expect(seen[0]!.headers.get('X-USER-AUTHORIZATION-ID')).toBe('uaid-1');
    expect(seen[0]!.headers.get('Authorization')).toMatch(/:empty$/);
    expect(seen[0]!.body).toBeNull();
  });

  it('signs the path without the query for user KYC info', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { kycType: 'EKYC' })]);
    const result = await client(fn).c.userKycInfo('uaid 1', 'EKYC');
    expect(result.ok).toBe(true);
    expect(seen[0]!.url).toBe(
      'https://paypay.test/v2/user/kycInfo?userAuthorizationId=uaid+1&requiredKycType=EKYC',
    );
  });

  it('encodes the codeId into the fetch path and posts verifier and user', async () => {
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', { name: 'x' })]);
    await client(fn).c.fetchCompletedKyc('kpq/1?', {
      codeVerifier: 'v'.repeat(64),
      userAuthorizationId: 'u',
    });
    expect(new URL(seen[0]!.url).pathname).toBe('/v1/qr/sessions/kpq%2F1%3F/kyc');
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body!))).toEqual({
      codeVerifier: 'v'.repeat(64),
      userAuthorizationId: 'u',
    });
  });

  it('follows PAYPAY_ENDPOINTS and a base URL with a path prefix', async () => {
    const parsed = parseEndpoints('{"kycPassportInfo":{"path":"/v9/passport"}}');
    if (!parsed.ok) throw new Error(parsed.error);
    const { fn, seen } = doubleFetch([envelope(200, 'SUCCESS', {})]);
    await client(fn, {
      endpoints: parsed.value,
      baseUrl: 'https://paypay.test/opa/',
    }).c.kycPassportInfo('u');
    expect(seen[0]!.url).toBe('https://paypay.test/opa/v9/passport');
  });

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

  it('reports a create answer without codeId as BAD_RESPONSE, naming the fields PayPay sent', async () => {
    const { fn } = doubleFetch([
      envelope(201, 'SUCCESS', { linkQRCodeURL: 'https://q.test/x', qr: { ref: 'secret-value' } }),
    ]);
    const result = await client(fn).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: false,
      kind: 'bad_response',
      code: 'BAD_RESPONSE',
      requestId: 'REQ-SUCCESS',
    });
    if (result.ok) throw new Error('expected a failure');
    expect(result.message).toContain('data.linkQRCodeURL, data.qr, data.qr.ref');
    expect(result.message).toContain('PAYPAY_FIELDS');
    expect(result.message).not.toContain('secret-value');
    expect(result.message).not.toContain('q.test');
  });

  it('sends the kycPassport object of PAYPAY_FIELDS and reads the code id where it says', async () => {
    const fields = parseFields(
      '{"createQr":{"kycPassport":{"pkce":{"challenge":"{codeChallenge}","method":"S256"}},"codeId":"qr.id","expiry":"qr.expiresAt"}}',
    );
    if (!fields.ok) throw new Error(fields.error);
    const { fn, seen } = doubleFetch([
      envelope(201, 'SUCCESS', {
        linkQRCodeURL: 'https://q.test/x',
        qr: { id: 'kp-9', expiresAt: NOW + 120_000 },
      }),
    ]);
    const result = await client(fn, { fields: fields.value }).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: true,
      data: { codeId: 'kp-9', expiresAt: NOW + 120_000, expiryNote: null },
    });
    const sent = JSON.parse(new TextDecoder().decode(seen[0]!.body!));
    expect(sent.kycPassport).toEqual({
      pkce: { challenge: qrInput.codeChallenge, method: 'S256' },
    });
  });

  it('reports a success without a data object as BAD_RESPONSE', async () => {
    const { fn } = doubleFetch([envelope(200, 'SUCCESS', 'text')]);
    expect(await client(fn).c.userKycInfo('u')).toMatchObject({ ok: false, code: 'BAD_RESPONSE' });
  });

  it('keeps secrets out of failure messages', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError(`could not reach https://paypay.test with ${SECRET}`);
    };
    const result = await client(failing).c.kycPassportInfo('u');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });
});
