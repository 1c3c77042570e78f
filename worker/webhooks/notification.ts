import { NOTIFICATION_KINDS, type NotificationKind } from '../../shared/feed';
import type { ErrorCode } from '../../shared/errors';
import { RECON_FILE_TYPES, WEBHOOK_KINDS } from '../../shared/paypay-codes';
import { UAID_PATTERN } from '../../shared/ids';
import { err, ok, type Result } from '../../shared/result';

/** The route names of the four receivers. */
export type ReceiverKind = NotificationKind | 'recon';

/** One recon file type PayPay announces. */
export type ReconFileType = (typeof RECON_FILE_TYPES)[number];

/** A KYC, risk or account-status notification, as far as we trust it: a hint about a user. */
export interface EventNotification {
  kind: NotificationKind;
  notificationId: string;
  userAuthorizationId: string;
}

/** A `file.created` notification. */
export interface ReconNotification {
  kind: 'recon';
  notificationId: string;
  fileType: ReconFileType;
  path: string;
  /** Epoch milliseconds. */
  requestedAt: number;
}

export type Notification = EventNotification | ReconNotification;

/** What a receiver refuses a notification with: the error code and a message naming the field. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

export type Parsed = Result<Notification, Refusal>;

/** PayPay's ids are short tokens (`evt_aXnbdeFt2Ke`, UUIDs); anything else is not theirs. */
export const NOTIFICATION_ID_PATTERN = /^[A-Za-z0-9_\-.:]{1,128}$/;
const MAX_PATH_LENGTH = 2048;
/** Clocks differ: PayPay's requestedAt may be a little ahead of ours. */
export const REQUESTED_AT_SKEW_MS = 5 * 60_000;
/**
 * PayPay keeps a recon file 1 week (its "file retention period") and may resend
 * the notification within it; an older requestedAt names a file that is gone.
 */
export const RECON_RETENTION_MS = 7 * 86_400_000;

/** True for a receiver route name. */
export function isReceiverKind(value: string): value is ReceiverKind {
  return value === 'recon' || (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/**
 * Validates the known fields of a notification posted to the `route` receiver
 * at `now`. Unknown fields are tolerated: PayPay may add fields, and refusing them would
 * make it give up on notifications we need.
 */
export function parseNotification(route: ReceiverKind, body: unknown, now = Date.now()): Parsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('INVALID_FIELD', 'The body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const type = fields.notification_type;
  if (typeof type !== 'string') return invalid('INVALID_FIELD', 'notification_type is required');
  const expected = route === 'recon' ? 'file.created' : WEBHOOK_KINDS[route];
  if (type !== expected) {
    return invalid('WRONG_NOTIFICATION_TYPE', `This receiver takes ${expected} only`);
  }
  const notificationId = fields.notification_id;
  if (typeof notificationId !== 'string' || !NOTIFICATION_ID_PATTERN.test(notificationId)) {
    return invalid('INVALID_FIELD', 'notification_id must be 1-128 safe characters');
  }
  if (route !== 'recon') {
    const uaid = fields.user_authorization_id;
    if (typeof uaid !== 'string' || !UAID_PATTERN.test(uaid)) {
      return invalid('INVALID_FIELD', 'user_authorization_id must be 1-64 safe characters');
    }
    return ok({ kind: route, notificationId, userAuthorizationId: uaid });
  }
  const fileType = RECON_FILE_TYPES.find((t) => t === fields.fileType);
  if (fileType === undefined) {
    return invalid('INVALID_FIELD', `fileType must be one of ${RECON_FILE_TYPES.join(', ')}`);
  }
  const path = fields.path;
  if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH || !URL.canParse(path)) {
    return invalid('INVALID_FIELD', 'path must be a URL');
  }
  const requestedAt = epochMillis(fields.requestedAt);
  if (requestedAt === null) {
    return invalid('INVALID_FIELD', 'requestedAt must be epoch seconds (or milliseconds)');
  }
  // A forged far-future time would keep the file "inside its window" and retried forever.
  if (requestedAt > now + REQUESTED_AT_SKEW_MS || requestedAt < now - RECON_RETENTION_MS) {
    return invalid(
      'INVALID_FIELD',
      'requestedAt must be at most 5 minutes ahead and at most 7 days ago (PayPay keeps files 1 week)',
    );
  }
  return ok({ kind: 'recon', notificationId, fileType, path, requestedAt });
}

/** PayPay sends `"<epoch time>"` as a string; seconds, or milliseconds if it has 13 digits. */
function epochMillis(value: unknown): number | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  return null;
}

function invalid(code: ErrorCode, message: string): Parsed {
  return err({ code, message });
}
