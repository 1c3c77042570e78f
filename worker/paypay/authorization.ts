import { epochMillis } from './qr-answer';
import { isPlainObject } from './fields';

/**
 * A user's authorization as PayPay's "Get user authorization status" answers
 * it (published in PayPay's SDKs: `status`, `scopes`, `expireAt` and `issuedAt`
 * in epoch seconds, `referenceIds`). Read liberally: a field missing or of an
 * unexpected type becomes null rather than refusing an answer PayPay will not
 * send again; times are read in seconds, milliseconds or ISO 8601.
 */
export interface Authorization {
  /** PayPay's word, e.g. `ACTIVE`; null when the answer carried none. */
  status: string | null;
  scopes: string[] | null;
  /** Epoch ms. */
  expiresAt: number | null;
  /** Epoch ms. */
  issuedAt: number | null;
  /** PayPay's referenceIds linked to the authorization (kept only to match our own). */
  referenceIds: string[];
}

/** Longest PayPay word or scope we keep; more is not a status. */
const MAX_WORD = 64;

/** The authorization in PayPay's `data`; never fails. */
export function readAuthorization(data: unknown): Authorization {
  const d = isPlainObject(data) ? data : {};
  return {
    status: word(d.status),
    scopes: Array.isArray(d.scopes) ? words(d.scopes) : null,
    expiresAt: epochMillis(d.expireAt ?? d.expiresAt),
    issuedAt: epochMillis(d.issuedAt),
    referenceIds: Array.isArray(d.referenceIds) ? words(d.referenceIds) : [],
  };
}

function word(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value.length <= MAX_WORD ? value : null;
}

function words(values: unknown[]): string[] {
  return values.slice(0, 200).flatMap((v) => {
    const w = word(v);
    return w === null ? [] : [w];
  });
}
