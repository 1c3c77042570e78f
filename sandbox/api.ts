import { PAYPAY_CODES } from '../shared/paypay-codes';
import { authorizationOf, requireAuthorized } from './authorization';
import { constantTimeEqual, randomBase62, s256Challenge } from './encoding';
import { ApiError, envelope } from './envelope';
import { jstToday } from './kyc-choices';
import { kycData, kycDataMatches, type KycContext } from './kyc-data';
import { APPROVED_OUTCOMES, isApproved, STANDING_ERRORS } from './outcomes';
import { parseQrRequest } from './qr-request';
import { requireClientScopes, requireEkycClient, requireGranted } from './scopes';
import { currentState, linkOf, type Tenant } from './tenant';
import type { QrSession, SandboxUser } from './types';

/** PayPay's default QR lifetime when the merchant set none. */
const DEFAULT_QR_TTL_SECONDS = 300;
/** PayPay documents userAuthorizationId as at most 64 characters. */
const MAX_UAID_LENGTH = 64;
/** RFC 7636 verifiers: 43-128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** `POST /v1/qr/sessions`: stores a KYC Passport QR session and answers 201. */
export async function createQr(tenant: Tenant, body: Record<string, unknown>): Promise<Response> {
  const parsed = parseQrRequest(body, tenant.merchant);
  if (!parsed.ok) throw new ApiError(parsed.error.code, parsed.error.message);
  requireClientScopes(tenant.merchant, parsed.value.scopes);
  const now = tenant.now();
  const session: QrSession = {
    ...parsed.value,
    codeId: 'kpq_' + randomBase62(24),
    createdAt: now,
    expiresAt: now + (tenant.merchant.qrTtlSeconds ?? DEFAULT_QR_TTL_SECONDS),
    state: 'pending',
  };
  tenant.store.putSession(session);
  await tenant.store.schedulePrune();
  const data = {
    codeId: session.codeId,
    linkQRCodeURL: linkOf(tenant, session.codeId),
    expiryDate: session.expiresAt,
  };
  return envelope('SUCCESS', 'Success', data, 201);
}

/** `POST /v1/qr/sessions/{codeId}/kyc`: the KYC info of a QR the user approved. */
export async function fetchCompletedKyc(
  tenant: Tenant,
  codeId: string,
  body: Record<string, unknown>,
): Promise<Response> {
  const { codeVerifier, userAuthorizationId } = body;
  if (codeVerifier === undefined) {
    throw new ApiError('MISSING_REQUEST_PARAMS', 'codeVerifier is required');
  }
  if (typeof codeVerifier !== 'string' || !CODE_VERIFIER.test(codeVerifier)) {
    throw new ApiError('INVALID_PARAMS', 'codeVerifier must be 43-128 PKCE characters');
  }
  if (
    userAuthorizationId !== undefined &&
    (typeof userAuthorizationId !== 'string' || userAuthorizationId.length > MAX_UAID_LENGTH)
  ) {
    throw new ApiError(
      'INVALID_PARAMS',
      `userAuthorizationId must be a string of at most ${MAX_UAID_LENGTH} characters`,
    );
  }
  const session = tenant.store.session(codeId);
  if (!session || currentState(session, tenant.now()) === 'expired') {
    throw new ApiError('SESSION_NOT_FOUND', 'The code ID is not found or has expired.');
  }
  if (!constantTimeEqual(await s256Challenge(codeVerifier), session.codeChallenge)) {
    throw new ApiError(
      'INVALID_PARAMS',
      'codeVerifier does not match the codeChallenge of this QR',
    );
  }
  requireGranted(session.scopes, 'fetchCompletedKyc', 'This QR');
  if (session.state !== 'approved' || !session.outcome || !isApproved(session.outcome)) {
    throw new ApiError(
      'KYC_PASSPORT_NOT_COMPLETED',
      'The user has not completed the KYC Passport process.',
    );
  }
  const user = session.userAuthorizationId
    ? tenant.store.user(session.userAuthorizationId)
    : undefined;
  if (!user || userAuthorizationId !== user.userAuthorizationId) {
    throw new ApiError(
      'INVALID_USER_AUTHORIZATION_ID',
      'The user authorization ID is not the one that approved this QR.',
    );
  }
  // Unlinked or expired since the approval: the QR's KYC goes with the link.
  requireAuthorized(user, tenant.now());
  const { fetchError } = APPROVED_OUTCOMES[session.outcome];
  if (fetchError) {
    throw new ApiError(fetchError, `The user's KYC Passport ended with ${session.outcome}.`);
  }
  const context = kycContext(tenant);
  if (session.kycData && !kycDataMatches(session.kycData, user, context.today)) {
    throw new ApiError(
      'KYC_DATA_MISMATCH',
      "The kycData of this QR does not match the user's KYC.",
    );
  }
  const selfie = `${tenant.origin}/selfie/${tenant.id}/${user.userAuthorizationId}.jpg`;
  return envelope('SUCCESS', 'Success', kycData(user, context, selfie));
}

/** `GET /v1/kyc/passport` with `X-USER-AUTHORIZATION-ID`: the user's KYC Passport info. */
export function kycPassportInfo(tenant: Tenant, request: Request): Response {
  const uaid = requireUaid(
    request.headers.get('X-USER-AUTHORIZATION-ID'),
    'X-USER-AUTHORIZATION-ID',
  );
  const user = findUser(tenant, uaid);
  requireGranted(user.scopes, 'kycPassportInfo', 'The user');
  checkStanding(user);
  return envelope('SUCCESS', 'Success', kycData(user, kycContext(tenant)));
}

/** `GET /v2/user/kycInfo?userAuthorizationId=&requiredKycType=`: "Get user KYC info". */
export function userKycInfo(tenant: Tenant, url: URL): Response {
  const uaid = requireUaid(url.searchParams.get('userAuthorizationId'), 'userAuthorizationId');
  const requiredKycType = url.searchParams.get('requiredKycType') ?? '';
  if (requiredKycType !== '' && requiredKycType !== 'EKYC') {
    throw new ApiError('INVALID_PARAMS', 'requiredKycType must be EKYC or empty');
  }
  if (requiredKycType === 'EKYC') requireEkycClient(tenant.merchant);
  const user = findUser(tenant, uaid);
  requireGranted(user.scopes, 'userKycInfo', 'The user');
  if (requiredKycType === 'EKYC' && user.kycType !== 'EKYC') {
    throw new ApiError('NON_EKYC_USER', 'The user did not complete KYC with eKYC.');
  }
  checkStanding(user);
  return envelope('SUCCESS', 'Success', kycData(user, kycContext(tenant)));
}

/**
 * `GET /v2/user/authorizations?userAuthorizationId=`: "Get user authorization
 * status", 201 as PayPay's SDK mock answers it (paypayopa-sdk-php
 * `mock/mappings/getUserAuthStatus.json`). No scope and no standing check: it
 * is about the link, not the user's KYC.
 */
export function userAuthorization(tenant: Tenant, url: URL): Response {
  const uaid = requireUaid(url.searchParams.get('userAuthorizationId'), 'userAuthorizationId');
  const user = findUser(tenant, uaid);
  const { issuedAt, expireAt, referenceIds } = authorizationOf(user);
  const data = {
    userAuthorizationId: user.userAuthorizationId,
    referenceIds,
    status: 'ACTIVE',
    scopes: user.scopes,
    expireAt,
    issuedAt,
  };
  return envelope('SUCCESS', 'Success', data, 201);
}

/**
 * `DELETE /v2/user/authorizations/{userAuthorizationId}`: "Unlink user", 201
 * `REQUEST_ACCEPTED` with `data: {}` as PayPay's SDK mock answers it
 * (`mock/mappings/deleteUserAuth.json`). From then on the id is unknown.
 * `segment` is the raw path segment: decoded here, so a bad escape is the
 * caller's INVALID_PARAMS and the signature still covers what was sent.
 */
export function unlinkUser(tenant: Tenant, segment: string): Response {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new ApiError(
      'INVALID_PARAMS',
      'userAuthorizationId is not a valid percent-encoded path segment',
    );
  }
  const uaid = requireUaid(decoded, 'userAuthorizationId');
  const user = findUser(tenant, uaid);
  tenant.store.putUser({
    ...user,
    authorization: { ...authorizationOf(user), status: 'UNLINKED', unlinkedAt: tenant.now() },
  });
  return envelope('REQUEST_ACCEPTED', 'Success', {}, 201, PAYPAY_CODES.SUCCESS.codeId);
}

/** Birth-date presets count from today on the merchant's clock, in Japan time. */
function kycContext(tenant: Tenant): KycContext {
  return { today: jstToday(tenant.now()), birthDateFormat: tenant.merchant.birthDateFormat };
}

function requireUaid(uaid: string | null, field: string): string {
  if (uaid === null || uaid === '') {
    throw new ApiError('MISSING_REQUEST_PARAMS', `${field} is required`);
  }
  if (uaid.length > MAX_UAID_LENGTH) {
    throw new ApiError('INVALID_PARAMS', `${field} must be at most ${MAX_UAID_LENGTH} characters`);
  }
  return uaid;
}

/** The user of a usable authorization: unknown, unlinked and expired ids are refused. */
function findUser(tenant: Tenant, uaid: string): SandboxUser {
  const user = tenant.store.user(uaid);
  if (!user) {
    throw new ApiError('INVALID_USER_AUTHORIZATION_ID', 'The user authorization ID is invalid.');
  }
  requireAuthorized(user, tenant.now());
  return user;
}

function checkStanding(user: SandboxUser): void {
  const code = STANDING_ERRORS[user.standing];
  if (code) throw new ApiError(code, `The user's standing is ${user.standing}.`);
}
