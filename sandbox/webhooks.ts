import { WEBHOOK_KINDS } from '../shared/paypay-codes';
import { randomBase62, utf8 } from './encoding';
import { sleep } from './faults';
import type { DeliveryAttempt, WebhookTarget } from './types';
import type { RetryPolicy } from './variants';

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

/** How a merchant's webhooks are sent (its registered variants). */
export interface DeliveryStyle {
  /** null sends no Content-Type header at all. */
  contentType: string | null;
  retries: RetryPolicy;
}

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
 * POSTs a notification, retrying on a non-2xx answer or a timeout as the
 * merchant's policy says, and logs every attempt. Not signed: PayPay does not
 * sign webhooks.
 */
export async function deliver(
  url: string,
  notification: Notification,
  style: DeliveryStyle,
  log: (attempt: DeliveryAttempt) => void,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { attempts: 0 };
  const { retries } = style;
  for (let attempt = 1; attempt <= retries.attempts; attempt++) {
    if (attempt > 1) await sleep(retries.pauseMs(attempt));
    result.attempts = attempt;
    // Bytes, not a string: a string body makes the runtime add text/plain when
    // the variant is "no Content-Type".
    const request = new Request(url, {
      method: 'POST',
      headers: style.contentType === null ? {} : { 'Content-Type': style.contentType },
      body: utf8(notification.body),
      signal: AbortSignal.timeout(retries.timeoutMs),
    });
    const entry: DeliveryAttempt = {
      url,
      kind: notification.target,
      notificationId: notification.notificationId,
      attempt,
      body: notification.body,
      contentType: request.headers.get('Content-Type'),
      at: Date.now(),
    };
    try {
      const response = await fetch(request);
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
