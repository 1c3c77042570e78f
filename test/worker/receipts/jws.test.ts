import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { digestOf, publicJwkOf, signReceipt, type ReceiptKey } from '../../../worker/receipts/jws';

// Issue 23: receipts a merchant verifies with `jose` against the JWKS alone.

async function newKey(kid: string): Promise<ReceiptKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return { kid, privateJwk: (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey };
}

const released = { claims: { age_over_20: true }, kyc: { kycType: 'EKYC', name: '山田 太郎' } };

describe('signed receipts', () => {
  it('verify with jose against the public keys alone, and name their key', async () => {
    const key = await newKey('rk_2026_12');
    const payload = { jti: 'rcp_1', iat: 1_796_000_000, digest: await digestOf(released) };
    const receipt = await signReceipt(payload, key);
    const jwks = createLocalJWKSet({ keys: [publicJwkOf(key)] });
    const verified = await compactVerify(receipt, jwks, { algorithms: ['EdDSA'] });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(payload);
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'EdDSA', kid: 'rk_2026_12', typ: 'JWT' });
    expect(publicJwkOf(key)).not.toHaveProperty('d');
  });

  it('are refused when one byte changed, or signed by another key', async () => {
    const key = await newKey('rk_a');
    const receipt = await signReceipt({ jti: 'rcp_2', digest: 'x' }, key);
    const jwks = createLocalJWKSet({ keys: [publicJwkOf(key)] });
    const [h, p, s] = receipt.split('.') as [string, string, string];
    const changed = `${h}.${p.slice(0, -1)}${p.endsWith('A') ? 'B' : 'A'}.${s}`;
    await expect(compactVerify(changed, jwks)).rejects.toThrow();
    const other = await newKey('rk_a');
    const forged = await signReceipt({ jti: 'rcp_2', digest: 'x' }, other);
    await expect(compactVerify(forged, jwks)).rejects.toThrow();
  });

  it('digest the released values in RFC 8785 canonical JSON: key order does not matter, one byte does', async () => {
    const same = { kyc: { name: '山田 太郎', kycType: 'EKYC' }, claims: { age_over_20: true } };
    expect(await digestOf(same)).toBe(await digestOf(released));
    const oneByte = { ...released, kyc: { ...released.kyc, name: '山田 太朗' } };
    expect(await digestOf(oneByte)).not.toBe(await digestOf(released));
    expect(await digestOf(released)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
