// Receipts as the Worker signs them (worker/receipts/jws.ts), for the tests of
// verifyReceipt (paypay-kyc-passport/server).
import { expect } from 'vitest';
import { KycPassportError } from '../../server/index';
import type { ReceiptPayload } from '../../worker/receipts/contract';
import { digestOf, publicJwkOf, signReceipt, type ReceiptKey } from '../../worker/receipts/jws';

export const KID = 'rk-20261201-ab12';

export async function newKey(kid = KID): Promise<ReceiptKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return { kid, privateJwk: (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey };
}

/** An exchange answer, as the merchant's server stored it. */
export const answer = {
  sessionId: 'vs_1.secret',
  mode: 'merchant',
  referenceId: 'customer-42',
  userAuthorizationId: 'uaid-1',
  completedAt: '2026-12-01T10:00:00.000Z',
  claims: { age_over_20: true, name: '山田 太郎' },
  kyc: { kycType: 'EKYC', eKycDocument: 'MY_NUMBER_CARD', name: '山田 太郎' },
};

export interface Released {
  claims: object;
  kyc?: object;
}

/**
 * A payload for `released` (an exchange answer, or its claims and kyc): its
 * digest as the Worker makes it, of `{claims, kyc}` alone; its claims list too,
 * unless `claims` says otherwise.
 */
export async function payloadFor(released: Released, claims?: string[]) {
  const digested = released.kyc
    ? { claims: released.claims, kyc: released.kyc }
    : { claims: released.claims };
  return {
    jti: 'rcp_202612_AAAAAAAAAAAAAAAAAAAAAA',
    iat: 1_796_000_000,
    iss: 'https://kyc.example',
    sid: 'vs_1',
    mode: 'merchant' as ReceiptPayload['mode'],
    referenceId: 'customer-42',
    verifiedAt: '2026-12-01T10:00:00.000Z',
    paypayRequestIds: ['req-a', 'req-b'],
    codeId: 'code-1',
    document: { kycType: 'EKYC', eKycDocument: 'MY_NUMBER_CARD' },
    claims: claims ?? [...Object.keys(released.claims), ...(released.kyc ? ['kyc'] : [])],
    digest: await digestOf(digested),
  };
}

/** A receipt of `released` signed with a new key, and the JWKS that publishes it. */
export async function signed(released: Released = answer) {
  const key = await newKey();
  const payload = await payloadFor(released);
  const receipt = await signReceipt(payload, key);
  return { key, payload, receipt, jwks: { keys: [publicJwkOf(key)] } };
}

/** The KycPassportError a promise rejects with. */
export async function refusal(promise: Promise<unknown>): Promise<KycPassportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KycPassportError);
  return error as KycPassportError;
}

/** base64url of a value's JSON, as a JWS part. */
export function part(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
