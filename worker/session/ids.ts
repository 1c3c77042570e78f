import { SESSION_ID_PATTERN } from '../../shared/wire';
import { encodeBase64Url } from '../paypay/base64';

/** 144 random bits, URL-safe: unguessable, and short enough for a path segment. */
export function newSessionId(): string {
  return randomText(18);
}

/** `n` random bytes as base64url. */
export function randomText(bytes: number): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * The nonce sent to PayPay: `<sessionId>.<random>`. PayPay echoes it in the
 * responseToken, so the callback reaches the session's Durable Object from the
 * token alone (no KV lookup that might not have replicated yet); the object
 * then compares the whole nonce with the one it stored.
 */
export function newNonce(sessionId: string): string {
  return `${sessionId}.${randomText(24)}`;
}

/** The session id a nonce names, or null when it is not one of ours. */
export function sessionIdOfNonce(nonce: string): string | null {
  const [id, random, ...rest] = nonce.split('.');
  if (rest.length > 0 || id === undefined || random === undefined) return null;
  return SESSION_ID_PATTERN.test(id) && /^[A-Za-z0-9_-]{32}$/.test(random) ? id : null;
}

/**
 * Result tokens: `rt1.<sessionId>.<secret>`. The session id locates the Durable
 * Object; the 256-bit secret is stored only as a SHA-256 hash.
 */
export function newResultToken(sessionId: string): { token: string; secret: string } {
  const secret = randomText(32);
  return { token: `rt1.${sessionId}.${secret}`, secret };
}

/** The parts of a result token, or null when it cannot be one. */
export function parseResultToken(token: unknown): { sessionId: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 100) return null;
  const [version, sessionId, secret, ...rest] = token.split('.');
  if (version !== 'rt1' || rest.length > 0 || sessionId === undefined || secret === undefined)
    return null;
  if (!SESSION_ID_PATTERN.test(sessionId) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { sessionId, secret };
}

/** Hex SHA-256 of a secret, for storing it without keeping it. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
