import type { FailureReason, SessionStatus } from '../shared/wire';

/** `kyc-passport-ready`: a QR (or the Open PayPay button) is showing. */
export interface ReadyDetail {
  sessionId: string;
  expiresAt: string;
}

/** `kyc-passport-status`: the session moved. */
export interface StatusDetail {
  sessionId: string;
  status: SessionStatus;
  reason?: FailureReason;
}

/** `kyc-passport-complete`: verified; post `resultToken` to your server. */
export interface CompleteDetail {
  sessionId: string;
  resultToken: string;
}

/** `kyc-passport-expired`: the QR expired before it was used. */
export interface ExpiredDetail {
  sessionId: string;
}

/** `kyc-passport-error`: the element could not reach the Worker or was refused. */
export interface ErrorDetail {
  code: string;
  message: string;
  requestId: string | null;
}

/** Base of the element's events: they bubble and cross shadow roots. */
class KycPassportEvent<T> extends Event {
  constructor(
    type: string,
    readonly detail: T,
  ) {
    super(type, { bubbles: true, composed: true });
  }
}

export class KycPassportReadyEvent extends KycPassportEvent<ReadyDetail> {
  constructor(detail: ReadyDetail) {
    super('kyc-passport-ready', detail);
  }
}
export class KycPassportStatusEvent extends KycPassportEvent<StatusDetail> {
  constructor(detail: StatusDetail) {
    super('kyc-passport-status', detail);
  }
}
export class KycPassportCompleteEvent extends KycPassportEvent<CompleteDetail> {
  constructor(detail: CompleteDetail) {
    super('kyc-passport-complete', detail);
  }
}
export class KycPassportExpiredEvent extends KycPassportEvent<ExpiredDetail> {
  constructor(detail: ExpiredDetail) {
    super('kyc-passport-expired', detail);
  }
}
export class KycPassportErrorEvent extends KycPassportEvent<ErrorDetail> {
  constructor(detail: ErrorDetail) {
    super('kyc-passport-error', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'kyc-passport-ready': KycPassportReadyEvent;
    'kyc-passport-status': KycPassportStatusEvent;
    'kyc-passport-complete': KycPassportCompleteEvent;
    'kyc-passport-expired': KycPassportExpiredEvent;
    'kyc-passport-error': KycPassportErrorEvent;
  }
}
