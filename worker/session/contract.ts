import type { ClaimName, ClaimUnavailable } from '../../shared/claims';
import type { Result } from '../../shared/result';
import type { ClaimValue } from '../claims/release';
import type { CreatedSession, Lang, RedirectType } from '../../shared/wire';
import type { Failure } from '../http/failure';
import type { PayPayFailed } from '../paypay/failures';
import type { PayPayConfig } from '../paypay/from-config';
import type { KycInfo } from '../paypay/call';
import type { PageKind } from '../http/callback-page';
import type { RereadClaim } from '../feed/event-feed';
import type { HostedReturn, SessionMode } from './record';

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
  /** The claims the merchant receives: only these are kept of PayPay's answer. */
  claims: ClaimName[];
  /** ACCEPTED_KYC_METHODS: the methods of PayPay's check this session accepts; empty = any. */
  acceptedMethods: string[];
  /** Set when the merchant gave a returnUrl: the hosted page serves this session. */
  hosted?: HostedReturn | undefined;
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

/**
 * The answer of `POST /v1/results/exchange`, once: the asked claims, PayPay's
 * KYC info only when `kyc` was asked, and the signed receipt of what was released.
 */
export interface Exchanged {
  sessionId: string;
  mode: SessionMode;
  referenceId: string | null;
  userAuthorizationId: string;
  completedAt: string;
  /** Every asked claim but `kyc`; null for one PayPay's answer could not give. */
  claims: Partial<Record<ClaimName, ClaimValue>>;
  /** Why a claim is null: only when one is. */
  unavailable?: Partial<Record<ClaimName, ClaimUnavailable>>;
  /** PayPay's answer as sent: only when the session asked for `kyc`. */
  kyc?: KycInfo;
  /** A compact JWS (EdDSA) of what was released; null in production without RECEIPT_SIGNING_KEY. */
  receipt: string | null;
}

/** A result token's exchange: the KYC once, or why not. */
export type ExchangeResult = Result<
  Exchanged,
  Extract<
    Failure,
    {
      code:
        'RESULT_NOT_FOUND' | 'RESULT_ALREADY_EXCHANGED' | 'RESULT_EXPIRED' | 'RECEIPT_UNAVAILABLE';
    }
  >
>;
