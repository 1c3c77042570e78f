import canonicalize from 'canonicalize';
import { encodeBase64Url } from '../paypay/base64';

/**
 * Signed verification receipts (issue 23): a compact JWS (RFC 7515), EdDSA
 * over Ed25519 (RFC 8037), that a merchant can verify years later against the
 * Worker's published public keys alone. Built on WebCrypto's Ed25519, which
 * workerd provides; `jose` verifies them in the tests and on merchant servers.
 * This module signs and digests; what a receipt says is the exchange's.
 */

/** The Worker's signing key: an Ed25519 private JWK (with `d`) and its key id. */
export interface ReceiptKey {
  kid: string;
  privateJwk: JsonWebKey;
}

const ED25519 = { name: 'Ed25519' } as const;
const text = new TextEncoder();

/** The public half of a private Ed25519 JWK, as the JWKS publishes it. */
export function publicJwkOf(key: ReceiptKey): JsonWebKey & { kid: string } {
  const { kty, crv, x } = key.privateJwk;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string')
    throw new TypeError('not an Ed25519 JWK');
  return { kty, crv, x, kid: key.kid, alg: 'EdDSA', use: 'sig' };
}

/** Signs `payload` as a compact JWS with `key`: header.payload.signature, base64url. */
export async function signReceipt(payload: object, key: ReceiptKey): Promise<string> {
  const header = { alg: 'EdDSA', kid: key.kid, typ: 'JWT' };
  const input = `${part(header)}.${part(payload)}`;
  const privateKey = await crypto.subtle.importKey('jwk', key.privateJwk, ED25519, false, ['sign']);
  const signature = await crypto.subtle.sign(ED25519, privateKey, text.encode(input));
  return `${input}.${encodeBase64Url(new Uint8Array(signature))}`;
}

/**
 * The receipt's `digest`: SHA-256 (base64url) of what the exchange released,
 * `{claims, kyc}`, in RFC 8785 canonical JSON, so the same values digest the
 * same whatever order their keys were written in. A missing part is left out.
 */
export async function digestOf(released: { claims?: unknown; kyc?: unknown }): Promise<string> {
  const canonical = canonicalize(released);
  if (canonical === undefined) throw new TypeError('nothing to digest');
  const hash = await crypto.subtle.digest('SHA-256', text.encode(canonical));
  return encodeBase64Url(new Uint8Array(hash));
}

function part(value: object): string {
  return encodeBase64Url(text.encode(JSON.stringify(value)));
}
