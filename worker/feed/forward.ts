import { problemsWith, type Config } from '../settings/config';
import { mapLimit } from '../concurrency';
import type { DeliveryTry } from './outbox-table';
import { feedOf } from './stub';
import { standardWebhookSignature } from './forward-sign';

const TIMEOUT_MS = 10_000;
const CONCURRENCY = 10;

/**
 * Forwards due feed events to MERCHANT_WEBHOOK_URL, signed per Standard
 * Webhooks, and reports how each attempt went to the outbox. At-least-once: an event is
 * deleted from the outbox only after a 2xx; `webhook-id` (the event id) lets the
 * merchant drop a repeat. Returns how many were delivered.
 */
export async function forwardDue(
  env: Env,
  config: Config,
  now: number,
  limit: number,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<number> {
  const target = config.merchantWebhook;
  // A URL these rules refuse (plain http outside development) gets nothing: the
  // events wait in the outbox, and /healthz names the setting to fix.
  if (target === null || problemsWith(config, ['MERCHANT_WEBHOOK_URL']).length > 0) return 0;
  const feed = feedOf(env);
  const { value: due } = await feed.dueDeliveries(now, limit);
  if (due.length === 0) return 0;
  const tries = await mapLimit(due, CONCURRENCY, async (delivery): Promise<DeliveryTry> => {
    const body = JSON.stringify({
      type: delivery.event.type,
      timestamp: delivery.event.occurredAt,
      data: delivery.event,
    });
    // The send time, not the event's: receivers reject old timestamps (replay protection).
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetchFn(target.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': delivery.event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': await standardWebhookSignature(
            target.secret,
            delivery.event.id,
            timestamp,
            body,
          ),
        },
        body,
      });
      await response.body?.cancel();
      const ok = response.status >= 200 && response.status < 300;
      return { seq: delivery.seq, ok, status: response.status, error: null };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      return { seq: delivery.seq, ok: false, status: null, error: name };
    }
  });
  await feed.settleDeliveries(tries, now);
  return tries.filter((attempt) => attempt.ok).length;
}
