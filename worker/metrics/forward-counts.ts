import type { Delivery, DeliveryTry } from '../feed/outbox-table';
import { FEED_TIMING } from '../feed/timing';
import type { Increment } from './log';

/**
 * What a forwarding run did, as counts: delivered, retried later, or failed
 * (given up: the outbox's rule, FEED_TIMING.forwardGiveUpMs after the event).
 */
export function forwardCounts(
  tries: readonly DeliveryTry[],
  due: readonly { delivery: Delivery }[],
  now: number,
): Increment[] {
  let delivered = 0;
  let retried = 0;
  let failed = 0;
  tries.forEach((attempt, i) => {
    const occurredAt = Date.parse(due[i]?.delivery.event.occurredAt ?? '');
    if (attempt.ok) delivered++;
    else if (now - occurredAt >= FEED_TIMING.forwardGiveUpMs) failed++;
    else retried++;
  });
  return [
    ['forwards:delivered', delivered],
    ['forwards:retried', retried],
    ['forwards:failed', failed],
  ];
}
