import type { OverdueCheck } from '../recon/overdue';
import { FeedDoor, type Done } from './feed-door';
import type { DeliveryRow } from './outbox-table';
import { usersByReference, type ReferenceMatch } from './user-search';

/**
 * The feed object's RPC methods of the merchant's operations (issue 24):
 * overdue recon files, the forwarding outbox as the deliveries routes see
 * it, and users found by referenceId. A layer between the door and
 * `EventFeed`, which keeps the rest; each method goes through the same door.
 */
export abstract class FeedOperations extends FeedDoor {
  /** Home shard, the cron: `recon.overdue` for yesterday's files not come by `expectedByMinutes`. */
  reconOverdue(now: number, expectedByMinutes: number): Done<OverdueCheck> {
    return this.change((f) => f.recon.overdue(now, expectedByMinutes));
  }

  /** This shard's outbox entries in `state` (both when null), oldest first, and their count. */
  deliveries(
    state: 'pending' | 'failed' | null,
    limit: number,
  ): Done<{ rows: DeliveryRow[]; count: number }> {
    return this.change((f) => f.outbox.list(state, limit));
  }

  /** The event at `seq` due for forwarding now, whatever its state; false when unknown here. */
  resendDelivery(seq: number, now: number): Done<boolean> {
    return this.change((f) => f.outbox.resend(seq, now));
  }

  /** This shard's users whose referenceId is `referenceId` (user-search.ts), at most `limit`. */
  usersByReference(
    referenceId: string,
    limit: number,
  ): Done<{ rows: ReferenceMatch[]; count: number }> {
    return this.change(() => usersByReference(this.ctx.storage.sql, referenceId, limit));
  }
}
