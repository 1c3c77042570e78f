import type { PayPayOperation } from '../../shared/paypay-codes';
import { authenticated, codeOf, describeAnswer, type Probes } from './probes';
import { fail, listOf, pass, type CheckRow } from './row';

/** The harmless call first: it is the one the signature row is about. */
const PREFERENCE: PayPayOperation[] = [
  'kycPassportInfo',
  'userKycInfo',
  'userAuthorization',
  'fetchCompletedKyc',
  'unlinkUser',
  'createQr',
];

/** What each probe asked, in words. */
export const PROBE_WORDS: Record<PayPayOperation, string> = {
  kycPassportInfo: 'kycPassportInfo for a made-up user',
  userKycInfo: 'userKycInfo for a made-up user',
  fetchCompletedKyc: 'fetchCompletedKyc of a made-up QR',
  createQr: 'createQr without its fields',
  userAuthorization: 'userAuthorization of a made-up user',
  unlinkUser: 'unlinkUser of a made-up user',
};

/**
 * Whether PayPay accepts our OPA-Auth signature. Every probe is signed, so any
 * UNAUTHORIZED is a refusal, and any other answer from a real path is an
 * acceptance (OP_OUT_OF_SCOPE and INVALID_USER_AUTHORIZATION_ID come after it).
 */
export function signatureRow(probes: Probes, clockFailed: boolean): CheckRow {
  const refused = PREFERENCE.filter((op) => codeOf(probes[op].call) === 'UNAUTHORIZED');
  if (refused.length > 0) {
    const requestId = probes[refused[0]!].call.requestId;
    const what = `PayPay refused the signature of ${listOf(refused)} as UNAUTHORIZED.`;
    return clockFailed
      ? fail(
          'signature',
          `${what} The clock row failed too: the clock is the likely cause.`,
          'fix the clock (see clock), then run the doctor again.',
          requestId,
        )
      : fail(
          'signature',
          what,
          'set PAYPAY_API_KEY and PAYPAY_API_SECRET to the pair PayPay issued for PAYPAY_API_BASE_URL (and PAYPAY_MERCHANT_ID only if PayPay gave you one).',
          requestId,
        );
  }
  const accepted = PREFERENCE.find((op) => authenticated(probes[op].call));
  if (accepted !== undefined) {
    const { call } = probes[accepted];
    return pass(
      'signature',
      `PayPay accepted the signature: a harmless signed call (${PROBE_WORDS[accepted]}) answered ${describeAnswer(call)}.`,
      call.requestId,
    );
  }
  const { call } = probes.kycPassportInfo;
  return fail(
    'signature',
    `Not confirmed: no signed call reached PayPay's API (kycPassportInfo: ${describeAnswer(call)}).`,
    'check PAYPAY_API_BASE_URL and the endpoints row, then run the doctor again.',
    call.requestId,
  );
}
