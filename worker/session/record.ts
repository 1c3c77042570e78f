import {
  TERMINAL_STATUSES,
  type FailureReason,
  type Lang,
  type RedirectType,
  type SessionStatus,
  type SessionView,
} from '../../shared/wire';
import { DEFAULT_CLAIMS, type ClaimName } from '../../shared/claims';
import type { Released } from '../claims/release';

/** Who created a session: a browser (public) or the merchant's server (bearer). */
export type SessionMode = 'public' | 'merchant';

/** A session the hosted page (`/verify/:id`) serves: where it sends the customer back. */
export interface HostedReturn {
  /** The merchant's returnUrl, on an origin ALLOWED_ORIGINS listed at creation. */
  returnUrl: string;
  /** The `lang` the merchant gave; null: the customer's browser decides. */
  lang: Lang | null;
}

/**
 * Everything a session's Durable Object keeps. The secrets of the session id,
 * nonce and result token only as hashes (ids.ts); the code verifier
 * and personal data (userAuthorizationId, kyc) never leave it except through
 * the merchant's exchange; `view()` is all the browser ever gets.
 */
export interface SessionRecord {
  /** Hash of the session id's secret: status and stream need the secret itself. */
  sessionSecretHash: string;
  mode: SessionMode;
  status: SessionStatus;
  lang: Lang;
  redirectType: RedirectType;
  referenceId: string | null;
  createdAt: number;
  expiresAt: number;
  /** Hash of the nonce sent to PayPay: the callback must bring the nonce itself. */
  nonceHash: string;
  codeVerifier: string | null;
  codeId: string;
  qrUrl: string;
  /** The claims the session asked for: only these are kept of PayPay's answer. */
  claims: ClaimName[];
  /** ACCEPTED_KYC_METHODS when the session was created; empty = any. */
  acceptedMethods: string[];
  /** PayPay's X-REQUEST-ID of the QR's creation, for the receipt. */
  qrRequestId: string | null;
  /** PayPay's X-REQUEST-ID of the KYC fetch, for the receipt. */
  kycRequestId: string | null;
  failure: FailureReason | null;
  authorizedAt: number | null;
  completedAt: number | null;
  /** When the session reached a status it never leaves. */
  endedAt: number | null;
  userAuthorizationId: string | null;
  /** What was kept of PayPay's answer (the asked claims), until the exchange or retention ends. */
  released: Released | null;
  /** Drawn at completion: the token is derived from it and the session's secret (ids.ts). */
  resultSalt: string | null;
  resultSecretHash: string | null;
  /** The session's secret sealed under the token's (ids.ts), for the exchange to name it. */
  sealedSessionSecret: string | null;
  resultExpiresAt: number | null;
  exchangedAt: number | null;
  /** Only on sessions created with a returnUrl (and absent on those stored before). */
  hosted?: HostedReturn;
}

/** Which status may follow which; anything else is refused. */
const NEXT: Record<SessionStatus, readonly SessionStatus[]> = {
  pending: ['authorized', 'failed', 'expired'],
  authorized: ['completed', 'failed'],
  completed: [],
  failed: [],
  expired: [],
};

/** Whether `from` may become `to`: a completed session never goes back. */
export function canMove(from: SessionStatus, to: SessionStatus): boolean {
  return NEXT[from].includes(to);
}

/** Whether the session reached a status it never leaves. */
export function isFinal(record: SessionRecord): boolean {
  return TERMINAL_STATUSES.includes(record.status);
}

/** Whether the result token may still be shown: until exchanged or expired. */
export function tokenLive(record: SessionRecord, now: number): boolean {
  return (
    record.status === 'completed' &&
    record.resultExpiresAt !== null &&
    record.resultExpiresAt > now &&
    record.exchangedAt === null
  );
}

/** What the browser may see of a session; the caller brings the id and token it derived. */
export function viewOf(
  record: SessionRecord,
  now: number,
  sessionId: string,
  resultToken: string | null,
): SessionView {
  const view: SessionView = {
    sessionId,
    status: record.status,
    expiresAt: new Date(record.expiresAt).toISOString(),
  };
  if (resultToken !== null && tokenLive(record, now)) view.resultToken = resultToken;
  if (record.status === 'failed' && record.failure) view.error = { reason: record.failure };
  return view;
}

/** Drops personal data and secrets: after exchange, or when retention ends. */
export function withoutPersonalData(record: SessionRecord): SessionRecord {
  return { ...record, userAuthorizationId: null, released: null, codeVerifier: null };
}

/** An authorized session whose KYC fetch never finished is failed after this. */
export const AUTHORIZED_TIMEOUT_MS = 2 * 60_000;
/** Ended sessions are kept a day so late polls get 410-style answers, then deleted. */
export const KEEP_ENDED_MS = 24 * 3_600_000;

/** What a new session starts with; everything that happens later starts empty. */
export function pendingRecord(
  fields: Omit<
    SessionRecord,
    | 'status'
    | 'failure'
    | 'authorizedAt'
    | 'completedAt'
    | 'endedAt'
    | 'userAuthorizationId'
    | 'released'
    | 'kycRequestId'
    | 'resultSalt'
    | 'resultSecretHash'
    | 'sealedSessionSecret'
    | 'resultExpiresAt'
    | 'exchangedAt'
  >,
): SessionRecord {
  return {
    ...fields,
    status: 'pending',
    failure: null,
    authorizedAt: null,
    completedAt: null,
    endedAt: null,
    userAuthorizationId: null,
    released: null,
    kycRequestId: null,
    resultSalt: null,
    resultSecretHash: null,
    sealedSessionSecret: null,
    resultExpiresAt: null,
    exchangedAt: null,
  };
}

/** When something is next due for a session (expiry, timeout, clean-up, deletion). */
export function dueTimes(record: SessionRecord, retentionMs: number): number[] {
  return [
    record.status === 'pending' ? record.expiresAt : null,
    record.status === 'authorized' && record.authorizedAt !== null
      ? record.authorizedAt + AUTHORIZED_TIMEOUT_MS
      : null,
    record.released !== null && record.completedAt !== null
      ? record.completedAt + retentionMs
      : null,
    record.endedAt !== null ? record.endedAt + KEEP_ENDED_MS : null,
  ].filter((t): t is number => t !== null);
}

/** What an alarm at `now` should do first, or null when only expiry may be due. */
export function alarmStep(
  record: SessionRecord,
  now: number,
  retentionMs: number,
): 'delete' | 'timeout' | 'forget' | null {
  if (record.endedAt !== null && now >= record.endedAt + KEEP_ENDED_MS) return 'delete';
  if (
    record.status === 'authorized' &&
    record.authorizedAt !== null &&
    now >= record.authorizedAt + AUTHORIZED_TIMEOUT_MS
  )
    return 'timeout';
  if (
    record.released !== null &&
    record.completedAt !== null &&
    now >= record.completedAt + retentionMs
  )
    return 'forget';
  return null;
}

/**
 * A record as stored, read by this version: one stored before claims existed
 * kept PayPay's answer whole as `kyc`, which is the `kyc` claim, so a session
 * completed across a deployment still exchanges what it was created for.
 */
export function storedRecord(stored: SessionRecord & { kyc?: Released['kyc'] }): SessionRecord {
  if (stored.claims !== undefined) return stored;
  const { kyc, ...rest } = stored;
  return {
    ...rest,
    claims: [...DEFAULT_CLAIMS],
    acceptedMethods: [],
    qrRequestId: null,
    kycRequestId: null,
    released: kyc ? { claims: {}, kyc, unavailable: {}, document: {} } : null,
  };
}
