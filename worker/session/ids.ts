import { SESSION_ID_PATTERN } from '../../shared/wire';
import { decodeBase64Url, encodeBase64Url } from '../paypay/base64';

// Every value we hand out that leads to a session is `<object id>.<secret>`:
// the object id (from `newUniqueId()`) only says which Durable Object to ask;
// the secret behind it, stored there only as a hash, is what that value grants.
// The session id (secret A: status and stream), the nonce (secret B: the
// callback) and the result token (derived from A: the exchange) have
// independent secrets, so the nonce PayPay echoes in the phone's URL names the
// object but grants nothing a page or the merchant's server could do.

const OBJECT_ID = /^[0-9a-f]{64}$/;

/** `n` random bytes as base64url. */
export function randomText(bytes: number): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A session id's secret: 144 random bits, 24 base64url characters. */
export function newSessionSecret(): string {
  return randomText(18);
}

/** A nonce's secret: 192 random bits, 32 base64url characters. */
export function newNonceSecret(): string {
  return randomText(24);
}

/** The object id and secret of a session id, or null when it cannot be one. */
export function parseSessionId(id: unknown): { objectId: string; secret: string } | null {
  if (typeof id !== 'string' || !SESSION_ID_PATTERN.test(id)) return null;
  const [objectId = '', secret = ''] = id.split('.');
  return { objectId, secret };
}

/** The object a nonce names, or null when it is not one of ours. */
export function objectIdOfNonce(nonce: string): string | null {
  const [objectId, secret, ...rest] = nonce.split('.');
  if (rest.length > 0 || objectId === undefined || secret === undefined) return null;
  return OBJECT_ID.test(objectId) && /^[A-Za-z0-9_-]{32}$/.test(secret) ? objectId : null;
}

/** Result tokens: `rt1.<objectId>.<secret>`, the secret stored only as a hash. */
export function resultTokenOf(objectId: string, secret: string): string {
  return `rt1.${objectId}.${secret}`;
}

/** The parts of a result token, or null when it cannot be one. */
export function parseResultToken(token: unknown): { objectId: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 120) return null;
  const [version, objectId, secret, ...rest] = token.split('.');
  if (version !== 'rt1' || rest.length > 0 || objectId === undefined || secret === undefined)
    return null;
  if (!OBJECT_ID.test(objectId) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { objectId, secret };
}

/** Hex SHA-256 of a secret, for storing it without keeping it. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await sha256(`id|${secret}`);
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The result token's secret, derived from the session's secret and a random
 * salt drawn at completion. The object keeps only the salt and the hash of the
 * derived secret, never the token: it can hand the token to whoever proves secret A
 * (the status poll or stream), while nothing at rest yields a usable token.
 */
export async function resultSecretOf(sessionSecret: string, salt: string): Promise<string> {
  return encodeBase64Url(await sha256(`rt1|${salt}|${sessionSecret}`));
}

/**
 * The session's secret sealed under the result token's secret (one-time pad
 * from a hash; the token secret is unique per session), so the exchange can
 * name the session id to the merchant without the object keeping it.
 */
export async function sealWith(resultSecret: string, sessionSecret: string): Promise<string> {
  return encodeBase64Url(await xorPad(resultSecret, new TextEncoder().encode(sessionSecret)));
}

/** The session secret `sealWith` sealed, or null when the seal is not ours. */
export async function unsealWith(resultSecret: string, sealed: string): Promise<string | null> {
  const bytes = decodeBase64Url(sealed);
  if (bytes === null) return null;
  return new TextDecoder().decode(await xorPad(resultSecret, bytes));
}

async function xorPad(key: string, bytes: Uint8Array): Promise<Uint8Array> {
  const pad = await sha256(`seal|${key}`);
  return bytes.map((b, i) => b ^ (pad[i] ?? 0));
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
