import { Buffer } from 'node:buffer';

/**
 * The Standard Webhooks signature header value: `v1,` + base64 of
 * HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>").
 */
export async function standardWebhookSignature(
  secret: Uint8Array,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`),
  );
  return `v1,${Buffer.from(mac).toString('base64')}`;
}
