import {
  claimDeliveries,
  settleDeliveries,
  type Delivery,
  type DeliveryTry,
} from '../outbox-table';

/**
 * Forwarding to MERCHANT_WEBHOOK_URL: the appender queues each new event, the
 * cron sends what is due (worker/feed/forward.ts) and settles here. Each
 * method is one change: call inside `transactionSync`.
 */
export class Outbox {
  constructor(private readonly sql: SqlStorage) {}

  /** Outbox entries due for forwarding, leased to the caller. */
  due(now: number, limit: number): Delivery[] {
    return claimDeliveries(this.sql, now, limit);
  }

  /** What forwarding attempts did: delivered ones leave the outbox, others back off. */
  settle(tries: DeliveryTry[], now: number): void {
    settleDeliveries(this.sql, tries, now);
  }
}
