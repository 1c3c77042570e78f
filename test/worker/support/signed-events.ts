import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import {
  KycPassportError,
  ReplayGuard,
  type FeedEvent,
  type VerifyOptions,
} from '../../../server/index';
import { uid } from './webhooks';

// Forwarded events for the verifyEvent tests (server-verify-*.test.ts): a
// random secret, a fixed clock, messages signed by the standardwebhooks
// package, and the code a refusal carries.

/** The secret's key bytes; SECRET is the same key as whsec_ + base64. */
export const keyBytes = crypto.getRandomValues(new Uint8Array(32));
export const KEY_BASE64 = btoa(String.fromCharCode(...keyBytes));
export const SECRET = `whsec_${KEY_BASE64}`;
/** The standardwebhooks package, keyed with SECRET: the oracle verifyEvent is held to. */
export const oracle = new Webhook(SECRET);

export const NOW = 1_790_000_000; // seconds: a fixed clock for the tests that pass `now`
/** Options that pin verifyEvent's clock at `seconds`, with a guard of their own. */
export const at = (seconds: number): VerifyOptions => ({
  now: seconds * 1000,
  replayGuard: new ReplayGuard(),
});

/** A feed event as the Worker forwards it, with fresh ids. */
export function feedEvent(overrides: Partial<FeedEvent> = {}): FeedEvent {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: 'kyc.updated',
    userAuthorizationId: uid('u'),
    occurredAt: '2026-12-01T00:00:00.000Z',
    source: 'webhook',
    notificationId: uid('n'),
    ...overrides,
  };
}

/** A message as the Worker forwards it, signed by the standardwebhooks package. */
export function signed(event = feedEvent(), timestamp = NOW, secret = SECRET) {
  const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
  const signature = new Webhook(secret).sign(event.id, new Date(timestamp * 1000), body);
  return {
    event,
    body,
    headers: {
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    } as Record<string, string>,
  };
}

/** The code of the KycPassportError a promise rejects with (and that it is one). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KycPassportError);
  const typed = error as KycPassportError;
  expect(typed.name).toBe('KycPassportError');
  expect(typed.status).toBeNull();
  // No secret in any message.
  expect(typed.message).not.toContain(KEY_BASE64);
  expect(typed.message).not.toContain(KEY_BASE64.slice(0, 12));
  return typed.code;
}
