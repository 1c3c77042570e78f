import { fail, type Result } from './validate';
import { fromBase64, toBase64, utf8 } from './encoding';

/** The parts of `Authorization: hmac OPA-Auth:<apiKey>:<mac>:<nonce>:<epoch>:<bodyHash>`. */
export interface OpaAuth {
  apiKey: string;
  mac: string;
  nonce: string;
  epoch: number;
  bodyHash: string;
}

/** What one request must prove. */
export interface SignedRequest {
  auth: OpaAuth;
  apiSecret: string;
  method: string;
  /** Path only, no query string: PayPay signs no query. */
  path: string;
  contentType: string | null;
  body: Uint8Array;
  /** Epoch seconds. */
  now: number;
}

/** PayPay rejects requests whose epoch is more than 2 minutes off. */
export const MAX_SKEW_SECONDS = 120;

const PREFIX = 'hmac OPA-Auth:';
const EMPTY = 'empty';

/** Parses the header, or null when it is absent or not PayPay's format. */
export function parseOpaAuth(header: string | null): OpaAuth | null {
  if (!header?.startsWith(PREFIX)) return null;
  const parts = header.slice(PREFIX.length).split(':');
  if (parts.length !== 5) return null;
  const [apiKey, mac, nonce, epoch, bodyHash] = parts;
  if (!apiKey || !mac || !nonce || !epoch || !bodyHash) return null;
  if (apiKey.length > 128 || nonce.length > 128 || !/^\d{1,12}$/.test(epoch)) return null;
  return { apiKey, mac, nonce, epoch: Number(epoch), bodyHash };
}

/**
 * Checks a request exactly as PayPay does (docs/paypay-assumptions.md): epoch
 * within the skew, bodyHash = base64(MD5(contentType ++ body)) over the bytes
 * received, and mac = base64(HMAC-SHA256(utf8(secret), macData)). Nonce replay
 * needs the merchant's memory, so the caller checks it after this passes.
 */
export async function verifyOpaAuth(request: SignedRequest): Promise<Result<void>> {
  const { auth, body } = request;
  if (Math.abs(request.now - auth.epoch) > MAX_SKEW_SECONDS) {
    return fail(`epoch is more than ${MAX_SKEW_SECONDS} s from the server clock`);
  }
  let contentType = EMPTY;
  if (body.byteLength === 0) {
    if (auth.bodyHash !== EMPTY) return fail('bodyHash must be "empty" for a request without body');
  } else {
    if (auth.bodyHash === EMPTY) return fail('bodyHash is "empty" but the request has a body');
    contentType = request.contentType ?? '';
    const expected = await bodyHash(contentType, body);
    if (expected !== auth.bodyHash) return fail('bodyHash does not match the body received');
  }
  const macData = [
    request.path,
    request.method.toUpperCase(),
    auth.nonce,
    String(auth.epoch),
    contentType,
    auth.bodyHash,
  ].join('\n');
  const mac = fromBase64(auth.mac);
  if (mac === null) return fail('mac is not base64');
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(request.apiSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // verify() compares in constant time: no timing oracle on the signature.
  const valid = await crypto.subtle.verify('HMAC', key, mac, utf8(macData));
  return valid ? { ok: true, value: undefined } : fail('signature does not match');
}

async function bodyHash(contentType: string, body: Uint8Array): Promise<string> {
  const type = utf8(contentType);
  const data = new Uint8Array(type.byteLength + body.byteLength);
  data.set(type);
  data.set(body, type.byteLength);
  // MD5 is not standard WebCrypto; workerd supports it because PayPay requires it.
  return toBase64(new Uint8Array(await crypto.subtle.digest('MD5', data)));
}
