import { Buffer } from 'node:buffer';
import { createHash, createHmac } from 'node:crypto';

/** What one OPA-Auth signature covers. */
export interface SigningInput {
  apiKey: string;
  apiSecret: string;
  method: string;
  /** Request path only: leading "/", no host, no query string. */
  path: string;
  /** The exact Content-Type header sent; undefined when there is no body. */
  contentType?: string;
  /** The exact body bytes sent; undefined or empty when there is no body. */
  body?: Uint8Array;
  nonce: string;
  /** Seconds since the epoch. */
  epoch: number;
}

const EMPTY = 'empty';

/**
 * The `Authorization` header PayPay's OPA expects, built exactly as PayPay's
 * SDKs do (docs/paypay-assumptions.md): MD5 over content type + body, then
 * HMAC-SHA256 keyed with the secret's UTF-8 bytes as is (not base64-decoded).
 * node:crypto rather than WebCrypto because standard WebCrypto has no MD5 and
 * the same code then runs in workerd (nodejs_compat) and in Node (bench).
 */
export function opaAuthHeader(input: SigningInput): string {
  const hasBody = input.body !== undefined && input.body.byteLength > 0;
  const contentType = hasBody ? (input.contentType ?? 'application/json') : EMPTY;
  const bodyHash = hasBody
    ? createHash('md5').update(contentType, 'utf8').update(input.body!).digest('base64')
    : EMPTY;
  const epoch = String(Math.floor(input.epoch));
  const macData = [
    input.path,
    input.method.toUpperCase(),
    input.nonce,
    epoch,
    contentType,
    bodyHash,
  ].join('\n');
  const mac = createHmac('sha256', Buffer.from(input.apiSecret, 'utf8'))
    .update(macData, 'utf8')
    .digest('base64');
  return `hmac OPA-Auth:${input.apiKey}:${mac}:${input.nonce}:${epoch}:${bodyHash}`;
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh request nonce: 16 random alphanumerics (PayPay recommends at least 8). */
export function newRequestNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}
