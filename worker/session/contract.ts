import type {
  CreatedSession,
  FailureReason,
  Lang,
  RedirectType,
  SessionStatus,
} from '../../shared/wire';
import type { ErrorData } from '../http/errors';
import type { KycInfo } from '../paypay/result';
import type { RereadClaim } from '../feed/event-feed';
import type { SessionMode } from './record';

// The calls routes make on a session's Durable Object, as plain data: what
// crosses the RPC boundary is all a route may rely on.

/** What a route asks a new session for. */
export interface CreateInput {
  mode: SessionMode;
  lang: Lang;
  redirectType: RedirectType;
  referenceId?: string | undefined;
  phoneNumber?: string | undefined;
  userAgent?: string | undefined;
  kycData?: Record<string, unknown> | undefined;
}

/** What creating a session's PayPay QR ended in. */
export type CreateOutcome =
  | { ok: true; session: CreatedSession; paypayRequestId: string | null }
  | { ok: false; error: ErrorData };

/** The verified responseToken, as the callback route hands it over. */
export type CallbackInput =
  | { result: 'succeeded'; nonce: string; userAuthorizationId: string }
  | { result: 'declined' | 'bad_request'; nonce: string }
  /**
   * PayPay signed it (our secret) for another audience: a setting to fix, so
   * the session fails as PAYPAY_ERROR rather than wait for its QR to expire.
   */
  | { result: 'misaddressed'; nonce: string };

/** What the phone's page should say. */
export type CallbackOutcome =
  | {
      outcome: 'completed';
      lang: Lang;
      paypayRequestId: string | null;
      /** The user's first re-read (standing and authorization), for the route to run. */
      reread: RereadClaim | null;
    }
  | { outcome: 'failed'; reason: FailureReason; lang: Lang; paypayRequestId: string | null }
  | { outcome: 'expired'; lang: Lang }
  | { outcome: 'already'; status: SessionStatus; lang: Lang }
  | { outcome: 'invalid' };

/** What a result token's exchange ended in: the KYC once, or why not. */
export type ExchangeOutcome =
  | {
      ok: true;
      result: {
        sessionId: string;
        mode: SessionMode;
        referenceId: string | null;
        userAuthorizationId: string;
        completedAt: string;
        kyc: KycInfo;
      };
    }
  | { ok: false; code: 'RESULT_NOT_FOUND' | 'RESULT_ALREADY_EXCHANGED' | 'RESULT_EXPIRED' };
