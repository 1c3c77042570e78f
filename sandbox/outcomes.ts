import type { PayPayCode, WEBHOOK_KINDS } from '../shared/paypay-codes';
import type { Outcome, Standing } from './types';

/** Phone outcomes in which the user approves the link, so a user exists afterwards. */
export type ApprovedOutcome = Exclude<Outcome, 'decline' | 'bad_request' | 'expire'>;

/**
 * What each approving outcome means: the user's standing, what "Fetch KYC info of
 * completed KYC Passport QR" then answers, and which webhook PayPay sends.
 */
export const APPROVED_OUTCOMES: Record<
  ApprovedOutcome,
  { standing: Standing; fetchError?: PayPayCode; webhook?: keyof typeof WEBHOOK_KINDS }
> = {
  complete: { standing: 'active' },
  kyc_not_completed: { standing: 'kyc_not_completed', fetchError: 'KYC_PASSPORT_NOT_COMPLETED' },
  risk_flagged: { standing: 'risk_flagged', fetchError: 'UNACCEPTABLE_OP', webhook: 'risk' },
  kyc_update_required: {
    standing: 'kyc_update_required',
    fetchError: 'KYC_UPDATE_REQUIRED',
    webhook: 'kyc',
  },
  cancelled_user: { standing: 'cancelled', fetchError: 'CANCELED_USER', webhook: 'account-status' },
};

/** True when the outcome approves the link. */
export function isApproved(outcome: Outcome): outcome is ApprovedOutcome {
  return Object.hasOwn(APPROVED_OUTCOMES, outcome);
}

/** What the KYC reads answer for a user of each standing (null = the KYC data). */
export const STANDING_ERRORS: Record<Standing, PayPayCode | null> = {
  active: null,
  risk_flagged: 'UNACCEPTABLE_OP',
  kyc_update_required: 'KYC_UPDATE_REQUIRED',
  cancelled: 'CANCELED_USER',
  inactive: 'USER_STATE_IS_NOT_ACTIVE',
  kyc_not_completed: 'KYC_NOT_COMPLETED',
};
