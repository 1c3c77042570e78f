import type {
  FailureReason,
  Lang,
  RedirectType,
  SessionStatus,
  SessionView,
} from '../../shared/wire';
import type { KycInfo } from '../paypay/result';

/** Who created a session: a browser (public) or the merchant's server (bearer). */
export type SessionMode = 'public' | 'merchant';

/**
 * Everything a session's Durable Object keeps. Secrets (nonce, code verifier)
 * and personal data (userAuthorizationId, kyc) never leave it except through
 * the merchant's exchange; `view()` is all the browser ever gets.
 */
export interface SessionRecord {
  sessionId: string;
  mode: SessionMode;
  status: SessionStatus;
  lang: Lang;
  redirectType: RedirectType;
  referenceId: string | null;
  createdAt: number;
  expiresAt: number;
  nonce: string;
  codeVerifier: string | null;
  codeId: string;
  qrUrl: string;
  failure: FailureReason | null;
  authorizedAt: number | null;
  completedAt: number | null;
  /** When the session reached a status it never leaves. */
  endedAt: number | null;
  userAuthorizationId: string | null;
  kyc: KycInfo | null;
  /** Plain result token: shown to the element until it expires or is exchanged. */
  resultToken: string | null;
  resultSecretHash: string | null;
  resultExpiresAt: number | null;
  exchangedAt: number | null;
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

/** What the browser may see of a session. */
export function viewOf(record: SessionRecord, now: number): SessionView {
  const view: SessionView = {
    sessionId: record.sessionId,
    status: record.status,
    expiresAt: new Date(record.expiresAt).toISOString(),
  };
  const tokenLive =
    record.resultExpiresAt !== null && record.resultExpiresAt > now && record.exchangedAt === null;
  if (record.status === 'completed' && record.resultToken && tokenLive)
    view.resultToken = record.resultToken;
  if (record.status === 'failed' && record.failure) view.error = { reason: record.failure };
  return view;
}

/** Drops personal data and secrets: after exchange, or when retention ends. */
export function withoutPersonalData(record: SessionRecord): SessionRecord {
  return { ...record, userAuthorizationId: null, kyc: null, codeVerifier: null, resultToken: null };
}
