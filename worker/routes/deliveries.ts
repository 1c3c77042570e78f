import type { IRequest } from 'itty-router';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { eventId } from '../feed/format';
import type { DeliveryRow } from '../feed/outbox-table';
import { SEQ_RANGE } from '../feed/seq-range';
import { feedShard, feedShards, feedShardCount } from '../feed/stub';

/** Deliveries one call lists: 1 to `max`, `default` when absent. */
export const DELIVERY_LIMIT = { default: 100, max: 1000 };

/** One forward still owed, as `GET /v1/deliveries` answers it. */
export interface DeliveryView {
  eventId: string;
  type: string;
  status: 'pending' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  occurredAt: string;
}

/**
 * `GET /v1/deliveries?status=failed|pending&limit=`: the forwarding outbox of
 * every feed shard, oldest event first; `count` is how many match in all (the
 * list holds at most `limit`). Delivered events leave the outbox, so they are
 * not listed. With MERCHANT_WEBHOOK_URL unset nothing is forwarded: an empty
 * list with `forwarding: false`, not an error, so a console shows it as a state.
 */
export async function listDeliveries(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (name !== 'status' && name !== 'limit')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const status = statusOf(params.get('status'));
  const limit = limitOf(params.get('limit') ?? '');
  if (rc.config.merchantWebhook === null) {
    return Response.json({ deliveries: [], count: 0, forwarding: false });
  }
  const answers = await Promise.all(
    feedShards(env).map(async (shard) => (await shard.deliveries(status, limit)).value),
  );
  const rows: DeliveryRow[] = answers
    .flatMap((answer) => answer.rows)
    .sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq)
    .slice(0, limit);
  return Response.json({
    deliveries: rows.map(viewOf),
    count: answers.reduce((sum, answer) => sum + answer.count, 0),
    forwarding: true,
  });
}

/**
 * `POST /v1/deliveries/:eventId/resend`: the event back in its shard's outbox,
 * due now, whatever its state (failed, delivered, pending); the next cron run
 * forwards it. Idempotent while pending: one outbox row per event, so two
 * resends before the cron still deliver once. 404 for an id no shard holds,
 * 403 FEATURE_DISABLED with MERCHANT_WEBHOOK_URL unset.
 */
export async function resendDelivery(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const id = String(request.params?.eventId ?? '');
  const seq = seqOf(id);
  // Event ids are unique across shards: the id's range names its shard (seq-range.ts).
  const shard = seq === null ? -1 : Math.floor(seq / SEQ_RANGE);
  if (seq === null || shard >= feedShardCount(env)) throw unknownEvent();
  if (rc.config.merchantWebhook === null) {
    throw ApiError.of('FEATURE_DISABLED', 'MERCHANT_WEBHOOK_URL is not set: nothing is forwarded');
  }
  const { value: found } = await feedShard(env, shard).resendDelivery(seq, Date.now());
  if (!found) throw unknownEvent();
  return Response.json({ eventId: id, status: 'pending' }, { status: 202 });
}

function viewOf(row: DeliveryRow): DeliveryView {
  return {
    eventId: eventId(row.seq),
    type: row.type,
    status: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt === null ? null : new Date(row.nextAttemptAt).toISOString(),
    occurredAt: new Date(row.occurredAt).toISOString(),
  };
}

function seqOf(id: string): number | null {
  const match = /^ev_([1-9]\d{0,15})$/.exec(id);
  const seq = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(seq) ? seq : null;
}

function statusOf(text: string | null): 'pending' | 'failed' | null {
  if (text === null) return null;
  if (text === 'pending' || text === 'failed') return text;
  throw ApiError.of('INVALID_FIELD', 'status must be failed or pending');
}

function limitOf(text: string): number {
  if (text === '') return DELIVERY_LIMIT.default;
  const limit = Number(text);
  if (!/^[1-9]\d{0,5}$/.test(text) || limit > DELIVERY_LIMIT.max) {
    throw ApiError.of('INVALID_FIELD', `limit must be an integer from 1 to ${DELIVERY_LIMIT.max}`);
  }
  return limit;
}

function unknownEvent(): ApiError {
  return ApiError.of('NOT_FOUND', 'No event has this id');
}
