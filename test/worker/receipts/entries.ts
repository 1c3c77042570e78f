import { encodeBase64Url } from '../../../worker/paypay/base64';
import type { ReceiptEntry } from '../../../worker/receipts/contract';
import type { PrivateJwk, PublicJwk } from '../../../worker/settings/receipts';

const DAY_MS = 86_400_000;

/** A receipt log entry issued now, kept `keepDays` (negative: already past). */
export function entryOf(id: string, keepDays = 2557): ReceiptEntry {
  const now = Date.now();
  return {
    id,
    issuedAt: new Date(now).toISOString(),
    session: 'a'.repeat(64),
    mode: 'merchant',
    verifiedAt: new Date(now - 1000).toISOString(),
    claims: ['age_over_20', 'kyc'],
    digest: 'x'.repeat(43),
    kid: 'rk_test',
    keepUntil: new Date(now + keepDays * DAY_MS).toISOString(),
  };
}

/**
 * A receipt id of the month `yyyymm` with a fresh random part: a month of
 * their own gives a test a log object of its own.
 */
export function idOf(yyyymm: string): string {
  return `rcp_${yyyymm}_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** A fresh Ed25519 signing key as RECEIPT_SIGNING_KEY holds it. */
export async function newPrivateJwk(kid: string): Promise<PrivateJwk> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { x, d } = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { kty: 'OKP', crv: 'Ed25519', x: x!, d: d!, kid };
}

/** The public half, as RECEIPT_PREVIOUS_KEYS lists retired keys. */
export function publicOf({ kty, crv, x, kid }: PrivateJwk): PublicJwk {
  return { kty, crv, x, kid };
}
