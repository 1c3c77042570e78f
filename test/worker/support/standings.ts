/**
 * What PayPay's KYC reads answer for a user of each sandbox standing: the
 * expectation several test files check, written once.
 */
export const STANDING_ANSWERS: Array<[standing: string, status: number, code: string]> = [
  ['risk_flagged', 400, 'UNACCEPTABLE_OP'],
  ['kyc_update_required', 400, 'KYC_UPDATE_REQUIRED'],
  ['cancelled', 400, 'CANCELED_USER'],
  ['inactive', 401, 'USER_STATE_IS_NOT_ACTIVE'],
  ['kyc_not_completed', 400, 'KYC_NOT_COMPLETED'],
];
