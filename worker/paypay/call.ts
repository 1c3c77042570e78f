import type { PayPayOperation } from '../../shared/paypay-codes';

/** A PayPay answer we could use. */
export interface PayPaySuccess<T> {
  ok: true;
  operation: PayPayOperation;
  status: number;
  data: T;
  /** PayPay's X-REQUEST-ID: support asks for it. */
  requestId: string | null;
  attempts: number;
}

/** How a call failed: PayPay said no, or we never got a usable answer. */
export type FailureKind = 'api' | 'timeout' | 'network' | 'bad_response';

/** A PayPay call that did not succeed, with everything support needs to trace it. */
export interface PayPayFailure {
  ok: false;
  operation: PayPayOperation;
  kind: FailureKind;
  /** HTTP status, or null when no answer arrived. */
  status: number | null;
  /** PayPay's result code as sent, or TIMEOUT / NETWORK_ERROR / BAD_RESPONSE. */
  code: string;
  /** Whether `code` is one of PayPay's published codes. */
  known: boolean;
  codeId: string | null;
  message: string;
  requestId: string | null;
  /**
   * PayPay may have acted although we saw a failure (INTERNAL_SERVER_ERROR,
   * 502-504, a timeout): the README's "outcome unknown".
   */
  outcomeUnknown: boolean;
  attempts: number;
}

/**
 * What one PayPay call ended in: PayPay's answer we could use, or the
 * failure; none throws. Not a shared `Result`: it carries the call's
 * bookkeeping (operation, attempts, PayPay's request id) on both sides.
 */
export type PayPayCall<T> = PayPaySuccess<T> | PayPayFailure;

/** `data` of a created KYC Passport QR. */
export interface CreatedQr {
  codeId: string;
  linkQRCodeURL: string;
  /** Epoch milliseconds when the QR stops working: PayPay's, or the default. */
  expiresAt: number;
  /** Why PayPay's expiry was not used, when it was not (for the log line). */
  expiryNote: string | null;
}

/**
 * KYC information as PayPay returns it. PayPay does not publish its fields, so
 * it is passed through as opaque JSON, never read field by field. Its values
 * are typed no deeper than JSON's kinds: deep enough to cross a Durable
 * Object's RPC in a typed Result, shallow enough for its type to stay cheap.
 */
export type KycInfo = Record<string, string | number | boolean | null | object>;
