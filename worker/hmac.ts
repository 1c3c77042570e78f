/**
 * HMAC-SHA256 of `text` (UTF-8) under `key`, with WebCrypto: the one MAC the
 * Worker makes itself (forwarded events' Standard Webhooks signatures, the
 * callback's signed outcome URLs).
 */
export async function hmacSha256(key: Uint8Array, text: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, new TextEncoder().encode(text)));
}
