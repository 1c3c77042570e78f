import {
  claimDeliveries,
  listDeliveries,
  resendDelivery,
  settleDeliveries,
  type Delivery,
  type DeliveryRow,
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

  /** The entries in `state` (both when null), oldest first, and how many there are. */
  list(state: 'pending' | 'failed' | null, limit: number): { rows: DeliveryRow[]; count: number } {
    return listDeliveries(this.sql, state, limit);
  }

  /** The event at `seq` due again now (idempotent while pending); false for an unknown event. */
  resend(seq: number, now: number): boolean {
    return resendDelivery(this.sql, seq, now);
  }
}
