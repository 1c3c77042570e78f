import type { MerchantStore } from './store';
import type { Merchant, QrSession } from './types';
import type { DeliveryResult, Notification } from './webhooks';

/** Everything a handler needs about the merchant a request belongs to. */
export interface Tenant {
  store: MerchantStore;
  merchant: Merchant;
  /** The Durable Object id hex: what public URLs carry instead of the API key. */
  id: string;
  /** Origin of the links the sandbox hands out. */
  origin: string;
  /** Epoch seconds. */
  now(): number;
  /** Delivers to the merchant's URL for the notification's kind; null when none is set. */
  send(notification: Notification): Promise<DeliveryResult | null>;
  /** Keeps work going after the answer (ctx.waitUntil). */
  background(work: Promise<unknown>): void;
}

/** How long after the phone's answer the completed QR can still be fetched. */
const RESULT_WINDOW_SECONDS = 600;

/**
 * The session's state now: a pending QR past its expiry is expired, and an
 * answered one stops being fetchable a while after the answer.
 */
export function currentState(session: QrSession, now: number): QrSession['state'] {
  if (session.state === 'pending' && now >= session.expiresAt) return 'expired';
  if (session.decidedAt !== undefined && now >= session.decidedAt + RESULT_WINDOW_SECONDS) {
    return 'expired';
  }
  return session.state;
}

/** The QR's link: the phone page of `sandbox/phone.ts`, with the tenant id, never the API key. */
export function linkOf(tenant: Tenant, codeId: string): string {
  return `${tenant.origin}/phone/${tenant.id}/${codeId}`;
}
