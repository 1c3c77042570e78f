import { Buffer } from 'node:buffer';

/** Standard base64 text to bytes, or null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const compact = text.trim();
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1)
    return null;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** Base64url (RFC 4648 section 5, no padding) text to bytes, or null. */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** Bytes to base64url without padding. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
