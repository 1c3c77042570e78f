import { WEBHOOK_KINDS } from '../shared/paypay-codes';
import { randomBase62 } from './encoding';
import { sleep } from './faults';
import type { DeliveryAttempt, WebhookTarget } from './types';

/** A notification ready to send: where it goes and the exact body. */
export interface Notification {
  target: WebhookTarget;
  notificationId: string;
  body: string;
}

/** How one delivery ended, after its retries. */
export interface DeliveryResult {
  /** The last HTTP status received; absent when the receiver never answered. */
  status?: number;
  error?: string;
  attempts: number;
}

/** PayPay's retries: a few tries with a short timeout, and no delivery guarantee. */
const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 2000;
const BACKOFF_MS = 200;

/** A notification id in PayPay's example style (`evt_aXnbdeFt2Ke`). */
export function newNotificationId(): string {
  return 'evt_' + randomBase62(11);
}

/** True for one of PayPay's three KYC Passport webhook kinds (by our route name). */
export function isWebhookKind(value: unknown): value is keyof typeof WEBHOOK_KINDS {
  return typeof value === 'string' && Object.hasOwn(WEBHOOK_KINDS, value);
}

/** The body of a KYC, risk or account-status event, exactly as PayPay's spec shows it. */
export function eventNotification(
  kind: keyof typeof WEBHOOK_KINDS,
  userAuthorizationId: string,
  notificationId: string = newNotificationId(),
): Notification {
  const body = JSON.stringify({
    notification_type: WEBHOOK_KINDS[kind],
    notification_id: notificationId,
    user_authorization_id: userAuthorizationId,
  });
  return { target: kind, notificationId, body };
}

/**
 * POSTs a notification, retrying on a non-2xx answer or a timeout, and logs every
 * attempt. Not signed: PayPay does not sign webhooks.
 */
export async function deliver(
  url: string,
  notification: Notification,
  log: (attempt: DeliveryAttempt) => void,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { attempts: 0 };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(BACKOFF_MS * (attempt - 1));
    result.attempts = attempt;
    const entry: DeliveryAttempt = {
      url,
      kind: notification.target,
      notificationId: notification.notificationId,
      attempt,
      body: notification.body,
      at: Date.now(),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: notification.body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      entry.status = response.status;
      result.status = response.status;
      delete result.error;
    } catch (error) {
      entry.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result.error = entry.error;
      delete result.status;
    }
    log(entry);
    if (entry.status !== undefined && entry.status >= 200 && entry.status < 300) break;
  }
  return result;
}
