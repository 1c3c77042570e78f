import type { Result } from '../../shared/result';
import type { CreatedSession, Lang, RedirectType } from '../../shared/wire';
import type { Failure } from '../http/failure';
import type { PayPayFailed } from '../paypay/failures';
import type { PayPayConfig } from '../paypay/from-config';
import type { KycInfo } from '../paypay/call';
import type { PageKind } from '../http/callback-page';
import type { RereadClaim } from '../feed/event-feed';
import type { SessionMode } from './record';

// The calls routes make on a session's Durable Object, as plain data: what
// crosses the RPC boundary is all a route may rely on. Each answers a Result.

/**
 * What a route asks a new session for. The PayPay config and callback URL
 * come from the settings the route's `needs` stage checked: the object acts
 * on exactly those and checks nothing again.
 */
export interface CreateInput {
  mode: SessionMode;
  lang: Lang;
  redirectType: RedirectType;
  referenceId?: string | undefined;
  phoneNumber?: string | undefined;
  userAgent?: string | undefined;
  kycData?: Record<string, unknown> | undefined;
  paypay: PayPayConfig;
  callbackUrl: string;
  /** The scopes the QR asks the user for. */
  scopes: string[];
}

/** A session whose PayPay QR was created: the answer, and PayPay's request id for the log. */
export interface Created {
  session: CreatedSession;
  paypayRequestId: string | null;
}

/** Creating a session's PayPay QR: the new session, or why not. */
export type CreateResult = Result<
  Created,
  Extract<Failure, { code: 'SESSION_EXISTS' }> | PayPayFailed
>;

/** The verified responseToken, as the callback route hands it over. */
export type CallbackInput =
  | { result: 'succeeded'; nonce: string; userAuthorizationId: string }
  | { result: 'declined' | 'bad_request'; nonce: string }
  /**
   * PayPay signed it (our secret) for another audience: a setting to fix, so
   * the session fails as PAYPAY_ERROR rather than wait for its QR to expire.
   */
  | { result: 'misaddressed'; nonce: string };

/** What the token did to its session: the page the phone is shown, in the session's language. */
export interface TokenUsed {
  page: Exclude<PageKind, { kind: 'invalid' }>;
  lang: Lang;
  /** PayPay's request id when PayPay was asked (completed, or failed at PayPay). */
  paypayRequestId: string | null;
  /** The user's first re-read (standing and authorization), for the route to run. */
  reread: RereadClaim | null;
}

/** A callback: what its token did, or SESSION_NOT_FOUND when its nonce is not this session's. */
export type CallbackResult = Result<TokenUsed, Extract<Failure, { code: 'SESSION_NOT_FOUND' }>>;

/** The answer of `POST /v1/results/exchange`: the session's KYC info, once. */
export interface Exchanged {
  sessionId: string;
  mode: SessionMode;
  referenceId: string | null;
  userAuthorizationId: string;
  completedAt: string;
  kyc: KycInfo;
}

/** A result token's exchange: the KYC once, or why not. */
export type ExchangeResult = Result<
  Exchanged,
  Extract<Failure, { code: 'RESULT_NOT_FOUND' | 'RESULT_ALREADY_EXCHANGED' | 'RESULT_EXPIRED' }>
>;
