import { Buffer } from 'node:buffer';

/** Test secret as PayPay issues them: a base64 string. */
export const TEST_SECRET = Buffer.from('a-test-secret-of-thirty-two-byte').toString('base64');

function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Builds a responseToken the way PayPay signs one, for verifier tests. Written
 * here rather than reused from the sandbox so the verifier meets a second,
 * independent signer.
 */
export async function signToken(
  payload: Record<string, unknown>,
  options: { key?: Uint8Array; header?: Record<string, unknown> } = {},
): Promise<string> {
  const head = b64url(JSON.stringify(options.header ?? { alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const keyBytes = options.key ?? new Uint8Array(Buffer.from(TEST_SECRET, 'base64'));
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${b64url(new Uint8Array(mac))}`;
}
