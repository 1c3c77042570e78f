import { NOTIFICATION_KINDS, type NotificationKind } from '../../shared/feed';
import { UAID_PATTERN } from '../../shared/ids';
import { RECON_FILE_TYPES } from '../../shared/paypay-codes';
import type { RereadClaim } from '../feed/event-feed';
import {
  NOTIFICATION_ID_PATTERN,
  type EventNotification,
  type ReconFileType,
  type ReconNotification,
} from '../webhooks/notification';

/**
 * The bodies of our queues' messages: small, plain and versioned (`v`), sent
 * as JSON, so a message queued by one version of the Worker is read by the
 * next, or refused by name. `t` says what the message carries.
 */
export const MESSAGE_VERSION = 1;

/** A KYC, risk or account-status notification, as the receiver checked it. */
export interface EventMessage {
  v: 1;
  t: 'event';
  kind: NotificationKind;
  notificationId: string;
  userAuthorizationId: string;
  /** When the receiver answered PayPay (epoch ms): the event's time, not the consumer's. */
  receivedAt: number;
}

/** A `file.created` notification, as the receiver checked it. */
export interface ReconMessage extends ReconNotification {
  v: 1;
  t: 'recon';
  receivedAt: number;
}

/** One re-read handed out by the feed (its lease taken): whom to read and when the lease began. */
export interface RereadMessage {
  v: 1;
  t: 'reread';
  userAuthorizationId: string;
  startedAt: number;
}

/** What INGEST carries. */
export type IngestMessage = EventMessage | ReconMessage;

/** Any body of our queues. */
export type QueueBody = IngestMessage | RereadMessage;

/** A message of a batch and its body, read. */
export interface Received<B extends QueueBody> {
  message: Message<unknown>;
  body: B;
}

export function eventMessage(notification: EventNotification, receivedAt: number): EventMessage {
  const { kind, notificationId, userAuthorizationId } = notification;
  return { v: 1, t: 'event', kind, notificationId, userAuthorizationId, receivedAt };
}

export function reconMessage(notification: ReconNotification, receivedAt: number): ReconMessage {
  const { notificationId, fileType, path, requestedAt } = notification;
  return {
    v: 1,
    t: 'recon',
    kind: 'recon',
    notificationId,
    fileType,
    path,
    requestedAt,
    receivedAt,
  };
}

export function rereadMessage(claim: RereadClaim): RereadMessage {
  return {
    v: 1,
    t: 'reread',
    userAuthorizationId: claim.userAuthorizationId,
    startedAt: claim.startedAt,
  };
}

/** The longest recon path the receiver takes (webhooks/notification.ts). */
const MAX_PATH_LENGTH = 2048;

/**
 * A message body read strictly: exactly the fields of its type, each checked
 * as the receiver checked it; null for anything else (another version, a body
 * sent by hand, a field gone wrong). A consumer acks and logs such a message:
 * retrying cannot make it readable.
 */
export function parseBody(body: unknown): QueueBody | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  if (fields.v !== MESSAGE_VERSION) return null;
  switch (fields.t) {
    case 'event':
      return hasExactly(fields, [
        'v',
        't',
        'kind',
        'notificationId',
        'userAuthorizationId',
        'receivedAt',
      ]) &&
        isKind(fields.kind) &&
        isNotificationId(fields.notificationId) &&
        isUserId(fields.userAuthorizationId) &&
        isTime(fields.receivedAt)
        ? (fields as unknown as EventMessage)
        : null;
    case 'recon':
      return hasExactly(fields, [
        'v',
        't',
        'kind',
        'notificationId',
        'fileType',
        'path',
        'requestedAt',
        'receivedAt',
      ]) &&
        fields.kind === 'recon' &&
        isNotificationId(fields.notificationId) &&
        isFileType(fields.fileType) &&
        typeof fields.path === 'string' &&
        fields.path.length <= MAX_PATH_LENGTH &&
        URL.canParse(fields.path) &&
        isTime(fields.requestedAt) &&
        isTime(fields.receivedAt)
        ? (fields as unknown as ReconMessage)
        : null;
    case 'reread':
      return hasExactly(fields, ['v', 't', 'userAuthorizationId', 'startedAt']) &&
        isUserId(fields.userAuthorizationId) &&
        isTime(fields.startedAt)
        ? (fields as unknown as RereadMessage)
        : null;
    default:
      return null;
  }
}

function hasExactly(fields: Record<string, unknown>, names: readonly string[]): boolean {
  const keys = Object.keys(fields);
  return keys.length === names.length && names.every((name) => Object.hasOwn(fields, name));
}

function isKind(value: unknown): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly unknown[]).includes(value);
}

function isFileType(value: unknown): value is ReconFileType {
  return (RECON_FILE_TYPES as readonly unknown[]).includes(value);
}

function isNotificationId(value: unknown): value is string {
  return typeof value === 'string' && NOTIFICATION_ID_PATTERN.test(value);
}

function isUserId(value: unknown): value is string {
  return typeof value === 'string' && UAID_PATTERN.test(value);
}

/** Epoch milliseconds. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
