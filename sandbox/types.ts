import type { PayPayOperation, RECON_FILE_TYPES, WEBHOOK_KINDS } from '../shared/paypay-codes';
import type { BirthDateFormat, BirthDatePreset, DocumentChoice } from './kyc-choices';

/** Where each kind of notification goes; PayPay configures one URL per kind at onboarding. */
export type WebhookTarget = keyof typeof WEBHOOK_KINDS | 'recon';

/** The webhook URLs a merchant registered. */
export type WebhookUrls = Partial<Record<WebhookTarget, string>>;

/**
 * The ways PayPay's documents, FAQ and SDKs leave room for more than one
 * behaviour, switchable per merchant so the Worker can be tested against each.
 */
export interface MerchantOptions {
  /**
   * The client ID: `<client_id>` of the risk and account-status recon file
   * names, and the responseToken's `aud` (unset there: see `clientIdOf`).
   */
  clientId?: string;
  /** The responseToken's `aud`: `clientId` (PayPay's, the default), `apiKey`, or these words. */
  tokenAudience?: string | string[];
  /** Scopes PayPay enabled for this client at onboarding. */
  clientScopes?: string[];
  /** The client is configured for `requiredKycType=EKYC`. */
  ekyc?: boolean;
  /** Content-Type of webhooks and recon notifications; "" sends none. */
  webhookContentType?: string;
  reconFormat?: ReconFormat;
  webhookRetries?: RetryPolicyName;
  /** PayPay's "allowed authorization callback domains" (hostnames). */
  callbackDomains?: string[];
  /** Refuse any non-https WEB_LINK redirectUrl, loopback included. */
  strictRedirect?: boolean;
  /** This merchant's clock runs this far off real time. */
  clockOffsetSeconds?: number;
  /** How long a user's authorization lasts from the phone's approval. */
  authorizationValiditySeconds?: number;
  /** How `dateOfBirth` is written in the KYC info (default `yyyy-MM-dd`). */
  birthDateFormat?: BirthDateFormat;
}

/** How the served recon CSV is laid out. */
export interface ReconFormat {
  header?: boolean;
  lineEnd?: 'CRLF' | 'LF' | 'CR';
  quoted?: boolean;
}

/** One retry policy's name; `RETRY_POLICIES` in variants.ts says what each does. */
export type RetryPolicyName = 'default' | 'faq3' | 'faq10';

/** A merchant: one API key, its own Durable Object and everything in it. */
export interface Merchant extends MerchantOptions {
  apiKey: string;
  /** The secret as PayPay issues it, base64: HMAC keys on its text, the JWT on its bytes. */
  apiSecret: string;
  merchantId?: string;
  qrTtlSeconds?: number;
  webhookUrls: WebhookUrls;
}

/** What a person picks on the phone page. */
export const OUTCOMES = [
  'complete',
  'decline',
  'kyc_not_completed',
  'risk_flagged',
  'kyc_update_required',
  'cancelled_user',
  'bad_request',
  'expire',
] as const;

/** One phone-page outcome. */
export type Outcome = (typeof OUTCOMES)[number];

/** Where a user stands with PayPay; decides what the KYC reads answer. */
export const STANDINGS = [
  'active',
  'risk_flagged',
  'kyc_update_required',
  'cancelled',
  'inactive',
  'kyc_not_completed',
] as const;

/** One user standing. */
export type Standing = (typeof STANDINGS)[number];

/**
 * The user's kind of KYC: eKYC (online, with documents) or not; `COUNTER` is
 * the sandbox's guess at a non-eKYC check made in person (PayPay names none).
 */
export type KycType = 'EKYC' | 'NON_EKYC' | 'COUNTER';

/** The kinds of KYC, for validation. */
export const KYC_TYPES: readonly KycType[] = ['EKYC', 'NON_EKYC', 'COUNTER'];

/** A KYC Passport QR session as createQr stored it, plus what the phone did with it. */
export interface QrSession {
  codeId: string;
  scopes: string[];
  nonce: string;
  redirectUrl: string;
  redirectType: 'WEB_LINK' | 'APP_DEEP_LINK';
  referenceId?: string;
  phoneNumber?: string;
  userAgent?: string;
  kycData?: Record<string, unknown>;
  codeChallenge: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds after which the QR can no longer be scanned. */
  expiresAt: number;
  state: 'pending' | 'approved' | 'declined' | 'bad_request' | 'expired';
  outcome?: Outcome;
  userAuthorizationId?: string;
  /** Epoch seconds of the phone's answer. */
  decidedAt?: number;
}

/** A PayPay user who linked with the merchant (created by a phone approval). */
export interface SandboxUser {
  userAuthorizationId: string;
  scopes: string[];
  standing: Standing;
  kycType: KycType;
  /** Last four digits of the phone number, shown masked in the responseToken. */
  phoneLast4: string;
  /** Epoch seconds. */
  kycCompletedAt: number;
  /**
   * Who the person on the phone really is, when the merchant sent `kycData`:
   * PayPay's KYC then carries this name and birth date, and the QR's kycData
   * must match it.
   */
  identity?: Identity;
  /** The birth date chosen on the phone, computed on the day the KYC info is read. */
  birthDate?: BirthDatePreset;
  /** How PayPay checked the identity, as chosen on the phone (`eKycDocument.type`). */
  document?: DocumentChoice;
  /**
   * The link itself, as "Get user authorization status" reports it. Absent on
   * users stored before it existed: see `authorizationOf`.
   */
  authorization?: Authorization;
}

/** A user's authorization of this merchant (PayPay's "user authorization"). */
export interface Authorization {
  /** `UNLINKED` after "Unlink user"; expiry is not stored but read from `expireAt`. */
  status: 'ACTIVE' | 'UNLINKED';
  /** Epoch seconds (the merchant's clock). */
  issuedAt: number;
  /** Epoch seconds from which every call for the user answers EXPIRED_USER_AUTHORIZATION_ID. */
  expireAt: number;
  /** The referenceIds of the QRs this user approved for this merchant. */
  referenceIds: string[];
  /** Epoch seconds of the unlink. */
  unlinkedAt?: number;
}

/** The fields of a KYC identity that `kycData` can be checked against. */
export interface Identity {
  lastName: string;
  firstName: string;
  lastNameKana?: string;
  firstNameKana?: string;
  dateOfBirth: string;
}

/** A recon file waiting to be downloaded. */
export interface ReconFile {
  fileId: string;
  fileType: (typeof RECON_FILE_TYPES)[number];
  fileName: string;
  token: string;
  userAuthorizationIds: string[];
  /** Ids made at download time (`<prefix><n>`), after the listed ones. */
  generate?: { prefix: string; count: number };
  /** Downloads still to fail with 503. */
  failuresLeft?: number;
  /** Where the download redirects (302) instead of serving the file. */
  redirectTo?: string;
  /** Requests that reached this file (any token), for tests that must see none. */
  downloads?: number;
  /** Epoch seconds after which the download answers 404. */
  expiresAt: number;
  /** The merchant's format when the file was made: a file does not change once announced. */
  format?: ReconFormat;
}

/** One try at delivering one notification. */
export interface DeliveryAttempt {
  url: string;
  kind: WebhookTarget;
  notificationId: string;
  attempt: number;
  /** The HTTP status the receiver answered, when it answered. */
  status?: number;
  /** Why there was no answer (timeout, network). */
  error?: string;
  /** The exact JSON body sent. */
  body: string;
  /** The Content-Type header of the request as sent; null when it had none. */
  contentType: string | null;
  /** Epoch milliseconds. */
  at: number;
}

/** Per-operation request counters. */
export type CallCounts = Record<PayPayOperation | 'unauthorized', number>;
