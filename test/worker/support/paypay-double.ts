import { PayPayClient } from '../../../worker/paypay/client';
import { opaAuthHeader } from '../../../worker/paypay/signing';

/** One request the double received. */
export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array | null;
}

/** The double's credentials and clock. */
export const KEY = 'client_key';
export const SECRET = 'Y2xpZW50X3NlY3JldA==';
export const NOW = 1_790_000_000_000;

/**
 * A PayPay double that re-derives each request's OPA-Auth header from the bytes
 * it received (so a client that signs one body and sends another fails), then
 * answers from a script.
 */
export function doubleFetch(script: Array<(seen: Seen) => Response | Promise<Response>>) {
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

/** A scripted answer: PayPay's envelope with this status and result code. */
export function envelope(
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

/** A PayPayClient on `fetchFn`, with a fixed clock and randomness, recording its sleeps. */
export function client(
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

/** The input of a KYC Passport QR creation. */
export const qrInput = {
  scopes: ['kyc_passport_qr'],
  nonce: 'session-nonce',
  redirectUrl: 'https://kyc.example/v1/callback',
  redirectType: 'WEB_LINK' as const,
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  referenceId: 'user-42',
};
