import type { Standing } from '../../shared/feed';
import type { Result } from '../../shared/result';

/**
 * A re-read of a user's KYC Passport info at PayPay: the user's standing, or
 * why PayPay gave none (PayPay's code as sent, or PAYPAY_NOT_CONFIGURED), kept
 * with PayPay's request id either way for support.
 */
export type StandingRead = Result<
  { standing: Standing; paypayRequestId: string | null },
  { code: string; paypayRequestId: string | null }
>;
