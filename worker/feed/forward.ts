import { problemsWith, type Config } from '../settings/config';
import { mapLimit } from '../concurrency';
import type { Delivery, DeliveryTry } from './outbox-table';
import { eachShard, feedShard, shardIndexes, shareOf } from './stub';
import { standardWebhookSignature } from './forward-sign';
import { countNow } from '../metrics/count';
import { forwardCounts } from '../metrics/forward-counts';

const TIMEOUT_MS = 10_000;
const CONCURRENCY = 10;

/**
 * Forwards due feed events to MERCHANT_WEBHOOK_URL, signed per Standard
 * Webhooks, and reports how each attempt went to the outbox. At-least-once: an event is
 * deleted from the outbox only after a 2xx; `webhook-id` (the event id) lets the
 * merchant drop a repeat. Each feed shard keeps its own outbox: `limit` is
 * shared among `shards` (every shard by default), each claimed and settled in
 * parallel, the sends drawn from one pool. Returns how many were delivered.
 */
export async function forwardDue(
  env: Env,
  config: Config,
  now: number,
  limit: number,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  shards: readonly number[] = shardIndexes(env),
): Promise<number> {
  const target = config.merchantWebhook;
  // A URL these rules refuse (plain http outside development) gets nothing: the
  // events wait in the outbox, and /healthz names the setting to fix.
  if (target === null || problemsWith(config, ['MERCHANT_WEBHOOK_URL']).length > 0) return 0;
  const claims = await Promise.allSettled(
    shards.map(async (index, i) => {
      // The turn moves each minute: with more shards than `limit`, each gets its go.
      const share = shareOf(limit, shards.length, i, Math.floor(now / 60_000));
      if (share === 0) return [];
      const { value } = await feedShard(env, index).dueDeliveries(now, share);
      return value.map((delivery): Due => ({ shard: index, delivery }));
    }),
  );
  // A shard that refused its claim (its guard, say) leaves the others to forward theirs.
  const due = claims.flatMap((claim) => (claim.status === 'fulfilled' ? claim.value : []));
  const refused = claims.find((claim) => claim.status === 'rejected');
  if (due.length === 0 && refused) throw refused.reason;
  if (due.length === 0) return 0;
  const tries = await mapLimit(due, CONCURRENCY, async ({ delivery }): Promise<DeliveryTry> => {
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
  await eachShard(shards, async (index) => {
    const mine = tries.filter((_, i) => due[i]!.shard === index);
    if (mine.length > 0) await feedShard(env, index).settleDeliveries(mine, now);
  });
  await countNow(env, forwardCounts(tries, due, now));
  if (refused) throw refused.reason;
  return tries.filter((attempt) => attempt.ok).length;
}

/** A delivery claimed from a shard's outbox. */
interface Due {
  shard: number;
  delivery: Delivery;
}
