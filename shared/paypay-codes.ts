/**
 * PayPay OPA result codes, as published in PayPay's KYC / KYC Passport API page
 * and SDKs (docs/paypay-assumptions.md, "PayPay's answers"). Both the Worker (to
 * name every answer) and the sandbox (to answer like PayPay) read this table.
 */
export const PAYPAY_CODES = {
  SUCCESS: { status: 200, codeId: '08100001' },
  REQUEST_ACCEPTED: { status: 202 },
  INVALID_REQUEST_PARAMS: { status: 400 },
  MISSING_REQUEST_PARAMS: { status: 400 },
  INVALID_PARAMS: { status: 400 },
  CANCELED_USER: { status: 400 },
  KYC_NOT_COMPLETED: { status: 400 },
  NON_EKYC_USER: { status: 400 },
  UNACCEPTABLE_OP: { status: 400 },
  KYC_UPDATE_REQUIRED: { status: 400 },
  KYC_PASSPORT_NOT_COMPLETED: { status: 400 },
  UNAUTHORIZED: { status: 401, codeId: '08100016' },
  OP_OUT_OF_SCOPE: { status: 401, codeId: '08100023' },
  INVALID_USER_AUTHORIZATION_ID: { status: 401 },
  EXPIRED_USER_AUTHORIZATION_ID: { status: 401 },
  USER_STATE_IS_NOT_ACTIVE: { status: 401 },
  SESSION_NOT_FOUND: { status: 404 },
  RATE_LIMIT: { status: 429, codeId: '08100998' },
  SERVICE_ERROR: { status: 500 },
  INTERNAL_SERVER_ERROR: { status: 500, codeId: '08101000' },
  MAINTENANCE_MODE: { status: 503, codeId: '08100999' },
  // [G] Not in PayPay's published tables. PayPay checks `kycData` against the
  // user's KYC ("KYC data to be verified during account link") but does not say
  // how a mismatch is answered; the sandbox answers this, the Worker maps it by name.
  KYC_DATA_MISMATCH: { status: 400 },
} as const satisfies Record<string, { status: number; codeId?: string }>;

/** A code PayPay publishes. */
export type PayPayCode = keyof typeof PAYPAY_CODES;

/** True when `code` is one of PayPay's published result codes. */
export function isPayPayCode(code: unknown): code is PayPayCode {
  return typeof code === 'string' && Object.hasOwn(PAYPAY_CODES, code);
}

/** The OPA response envelope every PayPay answer uses, success or not. */
export interface PayPayEnvelope<T = unknown> {
  resultInfo: { code: string; message: string; codeId?: string };
  data: T | null;
}

/** The names of the PayPay calls the product makes (keys of the endpoint table). */
export const PAYPAY_OPERATIONS = [
  'createQr',
  'fetchCompletedKyc',
  'kycPassportInfo',
  'userKycInfo',
  'userAuthorization',
  'unlinkUser',
] as const;

/** One PayPay call the product makes. */
export type PayPayOperation = (typeof PAYPAY_OPERATIONS)[number];

/**
 * Default method and path of each call. Of the KYC calls PayPay publishes only
 * the QR creation's path (docs/paypay-assumptions.md, "Requests we send"), so the
 * Worker lets `PAYPAY_ENDPOINTS` override them and the sandbox serves the same.
 * The two user-authorization calls are published in PayPay's own SDKs (java
 * `docs/UserApi.md`, php `mock/mappings/getUserAuthStatus.json`,
 * `deleteUserAuth.json`): not guessed.
 */
export const DEFAULT_PAYPAY_ROUTES = {
  createQr: { method: 'POST', path: '/v1/qr/sessions' },
  fetchCompletedKyc: { method: 'POST', path: '/v1/qr/sessions/{codeId}/kyc' },
  kycPassportInfo: { method: 'GET', path: '/v1/kyc/passport' },
  userKycInfo: { method: 'GET', path: '/v2/user/kycInfo' },
  userAuthorization: { method: 'GET', path: '/v2/user/authorizations' },
  unlinkUser: { method: 'DELETE', path: '/v2/user/authorizations/{userAuthorizationId}' },
} as const satisfies Record<PayPayOperation, { method: PayPayMethod; path: string }>;

/** The HTTP methods of PayPay's calls. */
export type PayPayMethod = 'GET' | 'POST' | 'DELETE';

/** The one placeholder each call's path must hold, or null for none. */
export const PATH_PLACEHOLDER_OF = {
  createQr: null,
  fetchCompletedKyc: '{codeId}',
  kycPassportInfo: null,
  userKycInfo: null,
  userAuthorization: null,
  unlinkUser: '{userAuthorizationId}',
} as const satisfies Record<PayPayOperation, string | null>;

/**
 * The scope each call needs, as PayPay's KYC page says (confirmed, not guessed):
 * the user grants what the QR asked for, so the QR must ask for what the
 * merchant's features will call. QR creation itself needs none.
 */
export const PAYPAY_SCOPE_OF = {
  createQr: null,
  fetchCompletedKyc: 'kyc_passport_qr',
  kycPassportInfo: 'mini_app_kyc_passport',
  userKycInfo: 'get_kyc_info',
  // PayPay's SDKs name no scope for reading or ending the authorization itself.
  userAuthorization: null,
  unlinkUser: null,
} as const satisfies Record<PayPayOperation, string | null>;

/** Needed on top of `get_kyc_info` for "Status of Residence" and "Period of Stay". */
export const FOREIGN_STATUS_SCOPE = 'kyc_foreign_status';

/** The three PayPay webhook kinds of KYC Passport, by our route name. */
export const WEBHOOK_KINDS = {
  kyc: 'kyc_passport.kyc_info.updated',
  risk: 'kyc_passport.risk.update',
  'account-status': 'kyc_passport.account_status.updated',
} as const;

/** The recon-file types PayPay announces with `file.created`. */
export const RECON_FILE_TYPES = [
  'kyc_passport_sync_recon',
  'kyc_passport_risk_sync_recon',
  'kyc_passport_account_status_sync_recon',
] as const;
