import { KycPassportError } from './errors.js';

// Where verifyReceipt finds the Worker's public keys: a JWKS the merchant kept,
// or the Worker's `/.well-known/jwks.json`.

/** A public key of the Worker's JWKS (`/.well-known/jwks.json`): Ed25519, with its `kid`. */
export interface ReceiptJwk extends JsonWebKey {
  kid?: string;
}

/**
 * Where the Worker's public keys come from: a JWKS you kept (offline, and what
 * still works once the Worker is gone), or fetched from the Worker.
 */
export type ReceiptKeys =
  | { jwks: { keys: ReceiptJwk[] } }
  | {
      /** The Worker (`/.well-known/jwks.json` is appended), or the URL of a JWKS (a path ending in `.json`). */
      endpoint: string;
      /** Another fetch (a test double, a proxying one); the global `fetch` by default. */
      fetch?: typeof fetch;
      /** Milliseconds before the fetch gives up with `TIMEOUT`; 30 000 by default. */
      timeoutMs?: number;
    };

const DEFAULT_TIMEOUT_MS = 30_000;

/** The Ed25519 keys of a JWKS with this `kid` (a JWKS may hold others: RSA, or another use). */
export function keysWithKid(keys: unknown[], kid: string): (ReceiptJwk & { x: string })[] {
  return keys.filter(isEd25519Key).filter((key) => key.kid === kid);
}

function isEd25519Key(key: unknown): key is ReceiptJwk & { x: string } {
  if (!isObject(key)) return false;
  const { kty, crv, x, alg, use } = key;
  return (
    kty === 'OKP' &&
    crv === 'Ed25519' &&
    typeof x === 'string' &&
    (alg === undefined || alg === 'EdDSA') &&
    (use === undefined || use === 'sig')
  );
}

/**
 * The keys as `keys` says to get them: checked now (a TypeError for options of
 * the wrong shape, before anything is verified), fetched when called.
 */
export function keyLoaderOf(keys: ReceiptKeys): () => Promise<unknown[]> {
  if (isObject(keys) && 'jwks' in keys) {
    const list = isObject(keys.jwks) ? keys.jwks.keys : undefined;
    if (!Array.isArray(list)) throw new TypeError('verifyReceipt: jwks must be {keys: [...]}');
    return async () => list;
  }
  if (!isObject(keys) || typeof keys.endpoint !== 'string')
    throw new TypeError('verifyReceipt: pass {jwks} or {endpoint}');
  const url = jwksUrlOf(keys.endpoint);
  const fetchFn = keys.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = keys.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return () => fetchJwks(url, fetchFn, timeoutMs);
}

/**
 * The JWKS's URL: https, or http to a loopback host only (`wrangler dev`):
 * whoever can change the keys on the way can make any receipt verify.
 */
function jwksUrlOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError('verifyReceipt: endpoint must be the Worker URL or its JWKS URL');
  }
  const loopback = /^(localhost|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new TypeError(
      `verifyReceipt: endpoint must be https (http only to a loopback host): keys fetched over plain http from ${url.hostname} could be anyone's`,
    );
  if (url.username || url.password || url.hash)
    throw new TypeError('verifyReceipt: endpoint takes no credentials or fragment');
  if (url.pathname.endsWith('.json')) return url.href;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/.well-known/jwks.json`;
  return url.href;
}

async function fetchJwks(
  url: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
): Promise<unknown[]> {
  const where = `GET ${url}`;
  let status: number;
  let text: string;
  try {
    const response = await fetchFn(url, {
      headers: { Accept: 'application/json' },
      // Keys only from where they were asked: a redirect is an INVALID_RESPONSE.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new KycPassportError(
      timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      timedOut ? `${where}: no answer within ${timeoutMs} ms` : `${where}: could not be reached`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (status !== 200 || !isObject(json) || !Array.isArray(json.keys))
    throw new KycPassportError(
      'INVALID_RESPONSE',
      `${where}: answered ${status} with ${json === undefined ? 'a body that is not JSON' : 'no JWKS ({keys: [...]})'}`,
      { status },
    );
  return json.keys;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
