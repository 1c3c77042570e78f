import type { ClaimName } from '../../shared/claims';
import type { SessionMode } from '../session/record';

// The receipt log's calls and shapes: what the exchange writes, what
// `GET /v1/receipts/:id` reads, what crosses the ReceiptLog object's RPC.

/**
 * One line of the receipt log. No personal data and no user id: a compliance
 * officer proves with it that a receipt was issued, when, for which session,
 * which claims it released and the digest of their values, without the log
 * ever holding those values (docs/compliance.md).
 */
export interface ReceiptEntry {
  /** The receipt's id, its `jti`: `rcp_<yyyymm>_<22 base64url>` (receipts/ids.ts). */
  id: string;
  /** When it was issued, ISO 8601. */
  issuedAt: string;
  /** The session's object id: the part of the session id before the dot. */
  session: string;
  mode: SessionMode;
  /** When PayPay answered with the verified identity, ISO 8601. */
  verifiedAt: string;
  /** The claims released, in CLAIM_NAMES order. */
  claims: ClaimName[];
  /** SHA-256 (base64url) of the released `{claims, kyc}` in RFC 8785 JSON. */
  digest: string;
  /** The signing key's id; null when no receipt was signed (production without a key). */
  kid: string | null;
  /** When the log drops it: issuedAt + RECEIPT_RETENTION_DAYS, ISO 8601. */
  keepUntil: string;
}

/**
 * The payload of a receipt (a compact JWS, EdDSA). Registered claims (`jti`,
 * `iat`, `iss`) keep RFC 7519's meanings; the rest are ours (docs/api.md).
 */
export interface ReceiptPayload {
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
  /** The Worker's origin (CALLBACK_URL's). */
  iss: string;
  /** The session's object id, as in the log. */
  sid: string;
  mode: SessionMode;
  referenceId: string | null;
  verifiedAt: string;
  /** PayPay's X-REQUEST-IDs of the QR's creation and of the KYC fetch, those PayPay sent. */
  paypayRequestIds: string[];
  /** PayPay's code id of the QR. */
  codeId: string;
  /** How PayPay checked the user, as PayPay sent it (kycType, eKycDocument, kycCompletedAt). */
  document: Record<string, unknown>;
  claims: ClaimName[];
  digest: string;
}
