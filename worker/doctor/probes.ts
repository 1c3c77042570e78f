import { PAYPAY_OPERATIONS, type PayPayOperation } from '../../shared/paypay-codes';
import type { CallSpec, PayPayClient } from '../paypay/client';
import type { PayPayCall } from '../paypay/call';

/** A user and code id PayPay has never issued: every read about it is refused, harmlessly. */
export const PROBE_ID = 'doctor-probe';
/** Short: a probe is a question, and the doctor waits for all of them. */
export const PROBE_TIMEOUT_MS = 5000;
/** A well-formed PKCE verifier (43 characters) that belongs to no QR. */
const DUMMY_VERIFIER = 'd'.repeat(43);

/**
 * Calls that change nothing at PayPay whatever the configuration: a QR
 * creation without its required fields (400 MISSING_REQUEST_PARAMS), and reads
 * about the made-up user and QR (401 INVALID_USER_AUTHORIZATION_ID, 404 SESSION_NOT_FOUND),
 * and an unlink of that made-up user.
 */
const SPECS: Record<PayPayOperation, CallSpec> = {
  createQr: { body: {} },
  fetchCompletedKyc: {
    pathParams: { codeId: PROBE_ID },
    body: { codeVerifier: DUMMY_VERIFIER, userAuthorizationId: PROBE_ID },
  },
  kycPassportInfo: { headers: { 'X-USER-AUTHORIZATION-ID': PROBE_ID } },
  userKycInfo: { query: { userAuthorizationId: PROBE_ID } },
  userAuthorization: { query: { userAuthorizationId: PROBE_ID } },
  // Ending an authorization PayPay never issued ends nothing.
  unlinkUser: { pathParams: { userAuthorizationId: PROBE_ID } },
};

/** One probe: PayPay's answer, its `Date` header, and when we sent and received (epoch ms). */
export interface Probe {
  call: PayPayCall<unknown>;
  date: string | null;
  sentAt: number;
  receivedAt: number;
}

export type Probes = Record<PayPayOperation, Probe>;

/** One try of each operation, all at once: they are independent, and none is retried. */
export async function runProbes(client: PayPayClient, now = Date.now): Promise<Probes> {
  const entries = await Promise.all(
    PAYPAY_OPERATIONS.map(async (operation) => {
      const sentAt = now();
      const { call, date } = await client.probe(operation, SPECS[operation], PROBE_TIMEOUT_MS);
      return [operation, { call, date, sentAt, receivedAt: now() }] as const;
    }),
  );
  return Object.fromEntries(entries) as Probes;
}

/** The answer's code as PayPay named it (SUCCESS for a success). */
export function codeOf(call: PayPayCall<unknown>): string {
  return call.ok ? 'SUCCESS' : call.code;
}

/** Whether PayPay's API answered at all: an OPA envelope came back. */
export function reached(call: PayPayCall<unknown>): boolean {
  return call.ok || call.kind === 'api';
}

/**
 * PayPay got past the signature and the path: any answer from a real path but
 * UNAUTHORIZED (OP_OUT_OF_SCOPE and INVALID_USER_AUTHORIZATION_ID come after both).
 */
export function authenticated(call: PayPayCall<unknown>): boolean {
  return reached(call) && codeOf(call) !== 'UNAUTHORIZED' && !pathWrong(call);
}

/**
 * A path PayPay does not serve: 404 or 405 with anything but SESSION_NOT_FOUND
 * (the fetch probe's code id is unknown by design), envelope or not.
 */
export function pathWrong(call: PayPayCall<unknown>): boolean {
  return (
    !call.ok && (call.status === 404 || call.status === 405) && call.code !== 'SESSION_NOT_FOUND'
  );
}

/** The answer in a few words, e.g. "401 INVALID_USER_AUTHORIZATION_ID". Never a body. */
export function describeAnswer(call: PayPayCall<unknown>): string {
  if (call.ok) return `${call.status} SUCCESS`;
  switch (call.kind) {
    case 'api':
      return `${call.status} ${call.code}`;
    case 'bad_response':
      return `HTTP ${call.status} without an OPA envelope`;
    case 'timeout':
      return 'no answer in time';
    case 'network':
      return 'no connection';
  }
}
