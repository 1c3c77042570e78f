import type {
  FeedPage,
  FeedSource,
  FeedEvent,
  FeedEventType,
  KindState,
  NotificationKind,
  Standing,
  UserState,
} from '../../shared/feed';
import { eventsAfter, type EventRow } from './events-table';
import type { UserRow } from './users-table';

/** Events kept per kind in a user's KV state. */
export const RECENT_PER_KIND = 20;

/** A feed event as merchants read it. */
export function eventOf(row: EventRow): FeedEvent {
  const data = JSON.parse(row.data) as Partial<FeedEvent>;
  return {
    ...data,
    id: eventId(row.seq),
    type: row.type as FeedEventType,
    ...(row.uaid !== null ? { userAuthorizationId: row.uaid } : {}),
    occurredAt: new Date(row.occurred_at).toISOString(),
    source: row.source as FeedSource,
    ...(row.notification_id !== null ? { notificationId: row.notification_id } : {}),
  };
}

/**
 * Events after `after`, oldest first, and the cursor after the last of them:
 * the `FeedPage` as its JSON text, one string across the RPC boundary rather
 * than a thousand objects copied over and encoded again by the Worker.
 */
export function feedPage(sql: SqlStorage, after: number, limit: number): string {
  const rows = eventsAfter(sql, after, limit);
  const page: FeedPage = { events: rows.map(eventOf), cursor: String(rows.at(-1)?.seq ?? after) };
  return JSON.stringify(page);
}

/** The public id of the event at `seq`: stable, and the `webhook-id` of its forwarding. */
export function eventId(seq: number): string {
  return `ev_${seq}`;
}

/** A user's state for KV, from its row and its recent events (newest first). */
export function userStateOf(row: UserRow, recent: EventRow[]): UserState {
  const kind = (
    name: NotificationKind,
    at: number | null,
    source: string | null,
    count: number,
  ): KindState | null =>
    at === null
      ? null
      : {
          lastAt: iso(at),
          source: source === 'recon' ? 'recon' : 'webhook',
          count,
          recent: recent
            .filter((e) => e.kind === name)
            .slice(0, RECENT_PER_KIND)
            .map((e) => ({
              eventId: eventId(e.seq),
              at: iso(e.occurred_at),
              source: e.source === 'recon' ? 'recon' : 'webhook',
              ...(e.notification_id !== null ? { notificationId: e.notification_id } : {}),
            })),
        };
  return {
    userAuthorizationId: row.uaid,
    kyc: kind('kyc', row.kyc_at, row.kyc_source, row.kyc_count),
    risk: kind('risk', row.risk_at, row.risk_source, row.risk_count),
    accountStatus: kind('account-status', row.status_at, row.status_source, row.status_count),
    standing:
      row.standing !== null && row.standing_checked_at !== null
        ? {
            value: row.standing as Standing,
            checkedAt: iso(row.standing_checked_at),
            changedAt: iso(row.standing_changed_at ?? row.standing_checked_at),
            ...(row.standing_request_id !== null
              ? { paypayRequestId: row.standing_request_id }
              : {}),
          }
        : null,
    reread: {
      due: row.reread_due_at !== null,
      dueAt: row.reread_due_at !== null ? iso(row.reread_due_at) : null,
      lastError: row.reread_error,
      ...(row.reread_error !== null && row.reread_request_id !== null
        ? { paypayRequestId: row.reread_request_id }
        : {}),
    },
    authorization:
      row.auth_checked_at === null
        ? null
        : {
            status: row.auth_status,
            scopes: row.auth_scopes === null ? null : (JSON.parse(row.auth_scopes) as string[]),
            expiresAt: isoOrNull(row.auth_expires_at),
            issuedAt: isoOrNull(row.auth_issued_at),
            referenceId: row.reference_id,
            referenceIdMode: referenceModeOf(row),
            checkedAt: iso(row.auth_checked_at),
          },
    verifiedAt: isoOrNull(row.verified_at),
    forget:
      row.forget_requested_at === null
        ? null
        : {
            status: 'forgetting',
            requestedAt: iso(row.forget_requested_at),
            requestId: row.forget_request_id ?? '',
            lastError: row.forget_error,
            ...(row.forget_error !== null && row.forget_paypay_request_id !== null
              ? { paypayRequestId: row.forget_paypay_request_id }
              : {}),
          },
    updatedAt: iso(row.updated_at),
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Who gave the referenceId; any value but `merchant` reads as `public`, the one not to trust. */
function referenceModeOf(row: UserRow): 'public' | 'merchant' | null {
  if (row.reference_id === null) return null;
  return row.reference_id_mode === 'merchant' ? 'merchant' : 'public';
}
