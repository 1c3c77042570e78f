// verifyReceipt (paypay-kyc-passport/server) inside workerd: the keys it
// accepts, and the Worker's JWKS fetched with the fetch given.
import { describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../server/index';
import { publicJwkOf } from '../../worker/receipts/jws';
import { KID, answer, newKey, refusal, signed } from './receipts';

/** A fetch that answers `response()` whatever it is asked. */
const answering = (response: () => Response) => (async () => response()) as unknown as typeof fetch;

describe('verifyReceipt: the keys', () => {
  it('refuses another key under the same kid, an unknown kid, a key not Ed25519', async () => {
    const { receipt, jwks } = await signed();
    const impostor = publicJwkOf(await newKey(KID));
    const bad = await refusal(verifyReceipt(receipt, answer, { jwks: { keys: [impostor] } }));
    expect(bad.code).toBe('RECEIPT_BAD_SIGNATURE');
    // The Worker's key is found among others that share its kid.
    const both = { keys: [impostor, ...jwks.keys] };
    expect((await verifyReceipt(receipt, answer, { jwks: both })).kid).toBe(KID);

    const other = publicJwkOf(await newKey('rk-other'));
    const unknown = await refusal(verifyReceipt(receipt, answer, { jwks: { keys: [other] } }));
    expect(unknown.code).toBe('RECEIPT_UNKNOWN_KEY');
    expect(unknown.message).toContain(KID);
    const key = jwks.keys[0]!;
    for (const wrong of [
      { ...key, crv: 'X25519' },
      { ...key, kty: 'EC' },
      { ...key, alg: 'RS256' },
      { ...key, use: 'enc' },
      { ...key, x: undefined },
    ]) {
      const error = await refusal(verifyReceipt(receipt, answer, { jwks: { keys: [wrong] } }));
      expect(error.code, JSON.stringify(wrong)).toBe('RECEIPT_UNKNOWN_KEY');
    }
    // A public key as WebCrypto exports it (key_ops, ext) is the same key.
    const exported = { ...key, key_ops: ['verify'], ext: true };
    expect((await verifyReceipt(receipt, answer, { jwks: { keys: [exported] } })).kid).toBe(KID);
  });

  it('fetches the JWKS from the Worker, or from a JWKS URL, with the fetch given', async () => {
    const { receipt, jwks } = await signed();
    const asked: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      asked.push(`${request.method} ${request.url} ${request.redirect}`);
      return Response.json(jwks);
    }) as typeof fetch;
    for (const endpoint of [
      'https://kyc.example',
      'https://kyc.example/',
      'https://shop.example/kyc/',
      'https://keys.example/receipts/2026.json',
      'http://127.0.0.1:8787',
    ])
      expect((await verifyReceipt(receipt, answer, { endpoint, fetch: fetchFn })).kid).toBe(KID);
    expect(asked).toEqual([
      'GET https://kyc.example/.well-known/jwks.json manual',
      'GET https://kyc.example/.well-known/jwks.json manual',
      'GET https://shop.example/kyc/.well-known/jwks.json manual',
      'GET https://keys.example/receipts/2026.json manual',
      'GET http://127.0.0.1:8787/.well-known/jwks.json manual',
    ]);
  });

  it('says why the JWKS could not be had: INVALID_RESPONSE, NETWORK_ERROR, TIMEOUT', async () => {
    const { receipt } = await signed();
    const redirect = () => new Response(null, { status: 302, headers: { Location: '/x' } });
    const cases: [typeof fetch, string, number | null][] = [
      [answering(() => Response.json({}, { status: 404 })), 'INVALID_RESPONSE', 404],
      [answering(() => new Response('<html>')), 'INVALID_RESPONSE', 200],
      [answering(() => Response.json({ keys: 'none' })), 'INVALID_RESPONSE', 200],
      [answering(redirect), 'INVALID_RESPONSE', 302],
      [
        (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch,
        'NETWORK_ERROR',
        null,
      ],
    ];
    for (const [fetchFn, code, status] of cases) {
      const endpoint = 'https://kyc.example';
      const error = await refusal(verifyReceipt(receipt, answer, { endpoint, fetch: fetchFn }));
      expect([error.code, error.status]).toEqual([code, status]);
      expect(error.message).toContain('https://kyc.example/.well-known/jwks.json');
    }
    // A fetch that answers nothing, until the signal it was given aborts.
    const never = (async (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )) as unknown as typeof fetch;
    const options = { endpoint: 'https://kyc.example', fetch: never, timeoutMs: 50 };
    expect((await refusal(verifyReceipt(receipt, answer, options))).code).toBe('TIMEOUT');
  });

  it('refuses keys over plain http, and options of the wrong shape: a TypeError', async () => {
    const { receipt } = await signed();
    let fetched = 0;
    const fetchFn = answering(() => {
      fetched++;
      return Response.json({ keys: [] });
    });
    for (const endpoint of [
      'http://kyc.example',
      'ftp://kyc.example',
      'not a url',
      'https://u:p@kyc.example',
    ])
      await expect(verifyReceipt(receipt, answer, { endpoint, fetch: fetchFn })).rejects.toThrow(
        TypeError,
      );
    expect(fetched).toBe(0);
    for (const keys of [{}, { jwks: {} }, { jwks: { keys: null } }, null])
      await expect(
        verifyReceipt(receipt, answer, keys as unknown as { jwks: { keys: [] } }),
      ).rejects.toThrow(TypeError);
  });
});
