import type { CreatedSession, FailureReason, Lang } from '../../shared/wire';
import type { HostedReturn, SessionMode, SessionRecord } from './record';

/**
 * What the hosted page (worker/hosted/, `/verify/:id`) may know of a session
 * whose id it was given: never the result token (the element reads it from the
 * status, as on any page) and nothing personal.
 */
export interface HostedView {
  /** The session as its creation answered it, for the element's `session-provider`. */
  session: CreatedSession;
  mode: SessionMode;
  /** Null: created without a returnUrl (or before hosted pages), so not the page's. */
  hosted: HostedReturn | null;
  /** The language the session was created in. */
  lang: Lang;
  failure: FailureReason | null;
  /** Whether the merchant already exchanged its result: the page is gone (410). */
  exchanged: boolean;
}

/** The hosted page's view of `record`, whose id `sessionId` its reader proved. */
export function hostedViewOf(record: SessionRecord, sessionId: string): HostedView {
  return {
    session: {
      sessionId,
      qrUrl: record.qrUrl,
      expiresAt: new Date(record.expiresAt).toISOString(),
      status: record.status,
    },
    mode: record.mode,
    hosted: record.hosted ?? null,
    lang: record.lang,
    failure: record.failure,
    exchanged: record.exchangedAt !== null,
  };
}
