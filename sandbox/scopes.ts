import { PAYPAY_SCOPE_OF, type PayPayOperation } from '../shared/paypay-codes';
import { ApiError } from './envelope';
import type { Merchant } from './types';
import { clientScopesOf } from './variants';

/**
 * PayPay checks the client's onboarding configuration before it looks at the
 * user: a probe with an unknown userAuthorizationId then tells "client lacks
 * the scope" (OP_OUT_OF_SCOPE) from "scope enabled" (INVALID_USER_AUTHORIZATION_ID).
 */
export function requireClientScope(merchant: Merchant, operation: PayPayOperation): void {
  const scope = PAYPAY_SCOPE_OF[operation];
  if (scope !== null && !clientScopesOf(merchant).includes(scope)) {
    throw new ApiError('OP_OUT_OF_SCOPE', `This client is not enabled for the ${scope} scope.`);
  }
}

/** A QR may ask only for scopes PayPay enabled for the client. */
export function requireClientScopes(merchant: Merchant, requested: string[]): void {
  const enabled = clientScopesOf(merchant);
  const lacking = requested.filter((scope) => !enabled.includes(scope));
  if (lacking.length > 0) {
    throw new ApiError(
      'OP_OUT_OF_SCOPE',
      `This client is not enabled for the scope(s) ${lacking.join(', ')}.`,
    );
  }
}

/** The user (or the QR) must have been granted the scope the operation needs. */
export function requireGranted(granted: string[], operation: PayPayOperation, whose: string): void {
  const scope = PAYPAY_SCOPE_OF[operation];
  if (scope !== null && !granted.includes(scope)) {
    throw new ApiError('OP_OUT_OF_SCOPE', `${whose} lacks the ${scope} scope.`);
  }
}

/** `requiredKycType=EKYC` needs the client to be configured for it (PayPay's spec). */
export function requireEkycClient(merchant: Merchant): void {
  if (merchant.ekyc === false) {
    throw new ApiError(
      'OP_OUT_OF_SCOPE',
      'This client is not configured for requiredKycType=EKYC.',
    );
  }
}
