import { ApiError } from './envelope';
import type { Authorization, Merchant, SandboxUser } from './types';
import { isIntegerIn } from './validate';
import { authorizationValidityOf, DEFAULT_AUTHORIZATION_VALIDITY_SECONDS } from './variants';

/** The last second of year 9999: any later `expireAt` is a mistake, not a test. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

/** An authorization issued `now` (the merchant's clock), lasting the merchant's validity. */
export function newAuthorization(
  merchant: Merchant,
  now: number,
  referenceIds: string[],
  expireAt = now + authorizationValidityOf(merchant),
): Authorization {
  return { status: 'ACTIVE', issuedAt: now, expireAt, referenceIds };
}

/**
 * The user's authorization. Users stored before authorizations were kept have
 * none: they count as issued when their KYC completed, with the default validity.
 */
export function authorizationOf(user: SandboxUser): Authorization {
  return (
    user.authorization ?? {
      status: 'ACTIVE',
      issuedAt: user.kycCompletedAt,
      expireAt: user.kycCompletedAt + DEFAULT_AUTHORIZATION_VALIDITY_SECONDS,
      referenceIds: [],
    }
  );
}

/**
 * What every call about a user checks first, once the user is found: an unlinked
 * authorization is as unknown as one never issued, an expired one says so.
 */
export function requireAuthorized(user: SandboxUser, now: number): Authorization {
  const authorization = authorizationOf(user);
  if (authorization.status === 'UNLINKED') {
    throw new ApiError('INVALID_USER_AUTHORIZATION_ID', 'The user authorization ID is invalid.');
  }
  if (now >= authorization.expireAt) {
    throw new ApiError('EXPIRED_USER_AUTHORIZATION_ID', 'The user authorization ID has expired.');
  }
  return authorization;
}

/** True for an epoch-seconds value the admin API takes as an `expireAt`. */
export function isEpochSeconds(value: unknown): value is number {
  return isIntegerIn(value, 0, MAX_EPOCH_SECONDS);
}
