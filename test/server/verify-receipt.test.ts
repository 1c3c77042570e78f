// verifyReceipt (paypay-kyc-passport/server) inside workerd, against receipts the
// Worker's own signReceipt makes: what passes, and each way the receipt or the
// released values are refused. Keys and JWKS sources: verify-receipt-keys.test.ts.
import { describe, expect, it } from 'vitest';
import { verifyReceipt, type ReceiptPayload } from '../../server/index';
import type { ReceiptPayload as WorkerReceiptPayload } from '../../worker/receipts/contract';
import { publicJwkOf, signReceipt } from '../../worker/receipts/jws';
import { KID, answer, newKey, part, payloadFor, refusal, signed } from './receipts';

// The server's copy of the payload's shape stays the Worker's: same keys, and
// every Worker payload is one (tsc fails here when they drift apart).
type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : never
  : never;
const sameKeys: SameKeys<ReceiptPayload, WorkerReceiptPayload> = true;
const _assignable = (payload: WorkerReceiptPayload): ReceiptPayload => payload;

describe('verifyReceipt', () => {
  it('verifies offline against a kept JWKS: the payload and the kid', async () => {
    expect(sameKeys).toBe(true);
    const { receipt, jwks, payload } = await signed();
    const verified = await verifyReceipt(receipt, answer, { jwks });
    expect(verified).toEqual({ ...payload, kid: KID });
    // {claims, kyc} alone, and claims in another order, are the same values.
    const reordered = { kyc: answer.kyc, claims: { name: '山田 太郎', age_over_20: true } };
    expect((await verifyReceipt(receipt, reordered, { jwks })).jti).toBe(payload.jti);
  });

  it('verifies a receipt of claims without kyc, and of kyc alone ({} claims)', async () => {
    const ageOnly = { claims: { age_over_20: true } };
    const first = await signed(ageOnly);
    expect((await verifyReceipt(first.receipt, ageOnly, first)).claims).toEqual(['age_over_20']);
    const kycOnly = { claims: {}, kyc: answer.kyc };
    const second = await signed(kycOnly);
    expect((await verifyReceipt(second.receipt, kycOnly, second)).claims).toEqual(['kyc']);
    // The same receipt with kyc added is not the same release.
    const error = await refusal(verifyReceipt(first.receipt, { ...ageOnly, kyc: {} }, first));
    expect(error.code).toBe('RECEIPT_DIGEST_MISMATCH');
  });

  it('refuses released values one byte off: a true, a character of a name, kyc dropped', async () => {
    const { receipt, jwks } = await signed();
    const changed = [
      { ...answer, claims: { ...answer.claims, age_over_20: false } },
      { ...answer, claims: { ...answer.claims, name: '山田 太朗' } },
      { ...answer, claims: { age_over_21: true, name: '山田 太郎' } },
      { ...answer, kyc: { ...answer.kyc, kycType: 'EKYd' } },
      { claims: answer.claims },
    ];
    for (const released of changed) {
      const error = await refusal(verifyReceipt(receipt, released, { jwks }));
      expect(error.code, JSON.stringify(released)).toBe('RECEIPT_DIGEST_MISMATCH');
      expect(error.status).toBeNull();
      // No released value in the message: it may be logged.
      expect(error.message).not.toContain('山田');
    }
  });

  it('refuses a changed payload, header or signature', async () => {
    const { receipt, jwks, payload } = await signed();
    const [h, p, s] = receipt.split('.') as [string, string, string];
    expect(p).toBe(part(payload));
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const tampered = [
      `${h}.${part({ ...payload, referenceId: 'customer-43' })}.${s}`,
      `${h}.${part({ ...payload, iat: payload.iat + 1 })}.${s}`,
      `${part({ alg: 'EdDSA', kid: KID })}.${p}.${s}`,
      `${h}.${p}.${flip(s, 10)}`,
      `${h}.${p}.${s.slice(0, -2)}`,
    ];
    for (const forged of tampered) {
      const error = await refusal(verifyReceipt(forged, answer, { jwks }));
      expect(error.code, forged).toBe('RECEIPT_BAD_SIGNATURE');
    }
  });

  it('refuses alg none or HS256, no kid, crit, and what is no compact JWS', async () => {
    const { receipt, jwks, payload } = await signed();
    const [, p, s] = receipt.split('.') as [string, string, string];
    const malformed = [
      `${part({ alg: 'none', kid: KID })}.${p}.`,
      `${part({ alg: 'none', kid: KID })}.${p}.${s}`,
      `${part({ alg: 'HS256', kid: KID })}.${p}.${s}`,
      `${part({ alg: 'EdDSA' })}.${p}.${s}`,
      `${part({ alg: 'EdDSA', kid: KID, crit: ['exp'], exp: 1 })}.${p}.${s}`,
      `${part({ alg: 'EdDSA', kid: KID })}.${part({ ...payload, digest: undefined })}.${s}`,
      `${part({ alg: 'EdDSA', kid: KID })}.${part([payload])}.${s}`,
      `${part({ alg: 'EdDSA', kid: KID })}.${p}.${s}!`,
      `${part({ alg: 'EdDSA', kid: KID })}.${p}`,
      `${receipt}.${s}`,
      'not a receipt',
      '',
    ];
    for (const bad of malformed) {
      const error = await refusal(verifyReceipt(bad, answer, { jwks }));
      expect(error.code, bad).toBe('RECEIPT_MALFORMED');
    }
    // The exchange's `receipt: null` (no signing key) is no receipt either.
    const none = await refusal(verifyReceipt(null as unknown as string, answer, { jwks }));
    expect([none.code, none.message]).toEqual([
      'RECEIPT_MALFORMED',
      expect.stringContaining('null'),
    ]);
  });

  it('refuses a signed claims list that is not the claims given', async () => {
    const key = await newKey();
    const jwks = { keys: [publicJwkOf(key)] };
    const released = { claims: answer.claims, kyc: answer.kyc };
    for (const claims of [['age_over_20', 'name'], ['age_over_20', 'name', 'kyc', 'kyc'], []]) {
      const receipt = await signReceipt(await payloadFor(released, claims), key);
      const error = await refusal(verifyReceipt(receipt, released, { jwks }));
      expect(error.code, claims.join()).toBe('RECEIPT_CLAIMS_MISMATCH');
    }
    // kyc listed, but no kyc released (its digest is of the claims alone).
    const claimsOnly = { claims: answer.claims };
    const listed = await signReceipt(
      await payloadFor(claimsOnly, ['age_over_20', 'name', 'kyc']),
      key,
    );
    const error = await refusal(verifyReceipt(listed, claimsOnly, { jwks }));
    expect(error.code).toBe('RECEIPT_CLAIMS_MISMATCH');
    // The control: the list the Worker makes passes.
    const right = await signReceipt(await payloadFor(claimsOnly), key);
    expect((await verifyReceipt(right, claimsOnly, { jwks })).claims).toEqual([
      'age_over_20',
      'name',
    ]);
  });

  it('takes nothing but a claims object: a TypeError otherwise', async () => {
    const { receipt, jwks } = await signed();
    for (const released of [null, {}, { claims: null }, { claims: ['age_over_20'] }, { kyc: {} }])
      await expect(
        verifyReceipt(receipt, released as unknown as { claims: object }, { jwks }),
      ).rejects.toThrow(TypeError);
  });
});
