import type { ClaimName } from '../../shared/claims';
import { methodValues, releaseClaims, type Released } from '../claims/release';
import { logLine } from '../log';
import type { KycInfo } from '../paypay/call';
import type { KycFieldTable } from '../paypay/kyc-fields';

/** What a verified answer of PayPay's becomes: the claims to keep, or a refusal. */
export type Completion =
  { accepted: true; released: Released } | { accepted: false; reason: 'KYC_METHOD_NOT_ACCEPTED' };

/**
 * Reads PayPay's KYC info once, as it arrives: the asked claims are built and
 * the rest of the answer is dropped here, before anything is stored. A check
 * by a method outside `acceptedMethods` (ACCEPTED_KYC_METHODS; empty = any)
 * keeps nothing at all. Log lines name fields and methods, never a value of
 * the person's.
 */
export function completionOf(
  kyc: KycInfo,
  asked: readonly ClaimName[],
  fields: KycFieldTable,
  acceptedMethods: readonly string[],
  verifiedAt: number,
  paypayRequestId: string | null,
): Completion {
  const released = releaseClaims(kyc, asked, fields, verifiedAt);
  const methods = methodValues(released.document);
  if (acceptedMethods.length > 0 && !methods.some((method) => acceptedMethods.includes(method))) {
    // The values PayPay sent for its method are not personal, and they are what
    // the merchant needs to set ACCEPTED_KYC_METHODS right if this was a mistake.
    logLine('warn', 'paypay', {
      operation: 'fetchCompletedKyc',
      note: 'KYC_METHOD_NOT_ACCEPTED',
      methods: methods.map((method) => method.slice(0, 64)).slice(0, 10),
      paypayRequestId,
    });
    return { accepted: false, reason: 'KYC_METHOD_NOT_ACCEPTED' };
  }
  const unavailable = Object.values(released.unavailable).flatMap((why) => why?.fields ?? []);
  if (unavailable.length > 0) {
    // Visible and fixable: PAYPAY_FIELDS.kyc is the setting (docs/paypay-assumptions.md).
    logLine('warn', 'paypay', {
      operation: 'fetchCompletedKyc',
      note: 'CLAIM_UNAVAILABLE',
      claims: Object.keys(released.unavailable),
      fields: [...new Set(unavailable)],
      paypayRequestId,
    });
  }
  return { accepted: true, released };
}
