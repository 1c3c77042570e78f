/**
 * The merchant event feed (`GET /v1/events`) and per-user state
 * (`GET /v1/users/:userAuthorizationId`): the shapes merchants read. The Worker
 * builds them; merchants' servers and tests read them.
 */

/** Route names of PayPay's three KYC Passport webhook kinds. */
export const NOTIFICATION_KINDS = ['kyc', 'risk', 'account-status'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Who told us: a PayPay webhook, a recon file, a read of PayPay's API, or the
 * merchant (a forget request).
 */
export const EVENT_SOURCES = ['webhook', 'recon', 'paypay', 'merchant'] as const;
export type FeedSource = (typeof EVENT_SOURCES)[number];

/** The feed event type of each webhook kind. */
export const WEBHOOK_EVENT_TYPES = {
  kyc: 'kyc.updated',
  risk: 'risk.flagged',
  'account-status': 'account_status.updated',
} as const satisfies Record<NotificationKind, string>;

/** Every feed event type. */
export const FEED_EVENT_TYPES = [
  'kyc.updated',
  'risk.flagged',
  'account_status.updated',
  'recon.missed',
  'standing.changed',
  'recon.lost',
  'authorization.expiring',
  'authorization.expired',
  'user.forgotten',
  'ingest.dead_lettered',
  'recon.overdue',
  'recon.arrived_late',
] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/**
 * What PayPay's KYC Passport info answered for a user at the last re-read:
 * `OK` for a success, otherwise PayPay's code about the user.
 */
export const STANDINGS = [
  'OK',
  'UNACCEPTABLE_OP',
  'KYC_UPDATE_REQUIRED',
  'CANCELED_USER',
  'USER_STATE_IS_NOT_ACTIVE',
  'KYC_NOT_COMPLETED',
  'NON_EKYC_USER',
  'INVALID_USER_AUTHORIZATION_ID',
  'EXPIRED_USER_AUTHORIZATION_ID',
  // Not about the user but about what they granted: a re-read that PayPay refuses
  // for scope is a standing to show, not an outage to back off from forever.
  'OP_OUT_OF_SCOPE',
] as const;
export type Standing = (typeof STANDINGS)[number];

/** True for a standing code. */
export function isStanding(value: unknown): value is Standing {
  return typeof value === 'string' && (STANDINGS as readonly string[]).includes(value);
}

/**
 * One feed event. `notificationId` is PayPay's notification_id and appears only
 * on events one PayPay notification caused: the three webhook kinds, and
 * `recon.lost` (the file notification to ask PayPay to resend).
 */
export interface FeedEvent {
  /** Stable, unique; also the `webhook-id` when the event is forwarded. */
  id: string;
  type: FeedEventType;
  userAuthorizationId?: string;
  /** ISO 8601: when the Worker recorded the event. */
  occurredAt: string;
  source: FeedSource;
  notificationId?: string;
  /** recon.missed: which webhook kind the recon file says we missed. */
  kind?: NotificationKind;
  /** recon.missed, recon.lost, recon.overdue, recon.arrived_late: the recon file's type. */
  fileType?: string;
  /** recon.missed, recon.lost: PayPay's processing days (JST, yyyy-mm-dd) the file covers. */
  period?: { from: string; to: string };
  /** standing.changed: the new standing and the one before (null when unknown). */
  standing?: Standing;
  previousStanding?: Standing | null;
  /** standing.changed: PayPay's X-REQUEST-ID of the read that found it, when PayPay sent one. */
  paypayRequestId?: string;
  /**
   * recon.overdue, recon.arrived_late: the JST day (yyyy-mm-dd) whose file of
   * `fileType` had not come by RECON_EXPECTED_BY the next morning, or came after it.
   */
  day?: string;
  /** recon.lost: why the file could not be used, and PayPay's requestedAt (ISO). */
  reason?: string;
  requestedAt?: string;
  /** authorization.expiring, authorization.expired: PayPay's expireAt (ISO). */
  expiresAt?: string;
  /**
   * user.forgotten: the X-Request-Id of the `DELETE /v1/users/:id` that asked
   * for it (the event carries no user id: it is how the merchant matches them).
   */
  requestId?: string;
  /** ingest.dead_lettered: how many notifications were parked (no user: it is about the Worker). */
  count?: number;
}

/** Answer of `GET /v1/events`. */
export interface FeedPage {
  events: FeedEvent[];
  /** Pass back as `after`; unchanged when `events` is empty (caught up). */
  cursor: string;
}

/**
 * `limit` of `GET /v1/events`: events a page holds, 1 to `max`, `default` when
 * absent. The feed object reads a page with one indexed query and sends it as
 * one JSON string; an event is a few hundred bytes, so a full page stays well
 * under a megabyte. The CLI (a copy in cli/events.mjs: it has no build step),
 * docs/api.md, docs/openapi.json and docs/cli.md state the same numbers, and
 * test/e2e/feed-limit.test.ts fails when one of them differs.
 */
export const FEED_PAGE_LIMIT = { default: 100, max: 1000 } as const;

/** The latest of one kind of notification about a user. */
export interface KindState {
  /** ISO 8601 of the latest change we know of (a recon file counts at its period's end). */
  lastAt: string;
  /** Who told us about that latest change. */
  source: 'webhook' | 'recon';
  /** Changes recorded, all sources. */
  count: number;
  /** The most recent events of this kind, newest first (at most 20). */
  recent: { eventId: string; at: string; source: 'webhook' | 'recon'; notificationId?: string }[];
}

/** What PayPay's "Get user authorization status" said at the last read. */
export interface AuthorizationState {
  /**
   * PayPay's status (e.g. `ACTIVE`); `EXPIRED` or `INVALID` when PayPay answered
   * EXPIRED_USER_AUTHORIZATION_ID or INVALID_USER_AUTHORIZATION_ID; null if it sent none.
   */
  status: string | null;
  /** The scopes the user granted, as PayPay lists them; null if it sent none. */
  scopes: string[] | null;
  /** ISO 8601 of PayPay's expireAt and issuedAt; null if unknown. */
  expiresAt: string | null;
  issuedAt: string | null;
  /** The referenceId this merchant gave the verification that linked the user, if any. */
  referenceId: string | null;
  /**
   * Who gave `referenceId`: `merchant` (the merchant's server, with the bearer) or
   * `public` (a browser, so anyone: never trust it as the customer's identity);
   * null without a referenceId.
   */
  referenceIdMode: 'public' | 'merchant' | null;
  /** ISO 8601 of the read. */
  checkedAt: string;
}

/** A forget request not finished yet: everything else is gone already. */
export interface ForgetState {
  status: 'forgetting';
  /** ISO 8601 of the request, and its X-Request-Id. */
  requestedAt: string;
  requestId: string;
  /** Why the last unlink at PayPay failed (it is retried), and PayPay's X-REQUEST-ID. */
  lastError: string | null;
  paypayRequestId?: string;
}

/** Answer of `GET /v1/users/:userAuthorizationId`. */
export interface UserState {
  userAuthorizationId: string;
  kyc: KindState | null;
  risk: KindState | null;
  accountStatus: KindState | null;
  /** PayPay's answer at the last re-read; null before the first. */
  standing: {
    value: Standing;
    checkedAt: string;
    changedAt: string;
    /** PayPay's X-REQUEST-ID of the read that found it: support asks for it. */
    paypayRequestId?: string;
  } | null;
  /** Whether a fresh read from PayPay is due (notifications are hints; PayPay's API is the truth). */
  reread: {
    due: boolean;
    dueAt: string | null;
    lastError: string | null;
    /** PayPay's X-REQUEST-ID of the failed read, when PayPay answered. */
    paypayRequestId?: string;
  };
  /** PayPay's authorization of this user, after a verification or re-read; null before. */
  authorization: AuthorizationState | null;
  /** ISO 8601 of the last verification through this Worker; null if none. */
  verifiedAt: string | null;
  /** Set while a `DELETE /v1/users/:id` is being carried out; null otherwise. */
  forget: ForgetState | null;
  /** ISO 8601 of the state's last change. */
  updatedAt: string;
}
