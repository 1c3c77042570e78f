import { Buffer } from 'node:buffer';
import { hmacSha256 } from '../hmac';

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
  const mac = await hmacSha256(secret, `${id}.${timestampSeconds}.${body}`);
  return `v1,${Buffer.from(mac).toString('base64')}`;
}
