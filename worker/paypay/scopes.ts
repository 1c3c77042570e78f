import { FOREIGN_STATUS_SCOPE, type PayPayOperation } from '../../shared/paypay-codes';
import type { EndpointTable } from './endpoints';

/** Which of the optional PayPay calls the merchant turned on (`USER_KYC_INFO`). */
export type UserKycInfoSetting = 'off' | 'on' | 'with_foreign_status';

/**
 * The PayPay calls this configuration makes: every verification fetches the
 * completed QR's KYC, every webhook and `GET /v1/users/:uaid/kyc` reads KYC
 * Passport info, and "Get user KYC info" only where the merchant turned it on.
 */
export function operationsInUse(userKycInfo: UserKycInfoSetting): PayPayOperation[] {
  const operations: PayPayOperation[] = ['createQr', 'fetchCompletedKyc', 'kycPassportInfo'];
  if (userKycInfo !== 'off') operations.push('userKycInfo');
  return operations;
}

/**
 * The scopes a QR must ask for so that every call this configuration makes is
 * granted, and no more (PayPay: "Please select only the required SCOPEs").
 */
export function requiredScopes(table: EndpointTable, userKycInfo: UserKycInfoSetting): string[] {
  const scopes = new Set<string>();
  for (const operation of operationsInUse(userKycInfo)) {
    const scope = table[operation].scope;
    if (scope !== null) scopes.add(scope);
  }
  if (userKycInfo === 'with_foreign_status') scopes.add(FOREIGN_STATUS_SCOPE);
  return [...scopes];
}

/**
 * Why a configured PAYPAY_SCOPES falls short of what the calls in use need, or
 * null. A warning, not a refusal: if PayPay names its scopes otherwise, this
 * setting is the fix.
 */
export function lackingScopes(needed: string[], configured: string[]): string | null {
  const lacking = needed.filter((scope) => configured.length > 0 && !configured.includes(scope));
  if (lacking.length === 0) return null;
  return `PAYPAY_SCOPES lacks ${lacking.join(', ')}, which the configured calls need; leave it empty to ask for exactly those`;
}
