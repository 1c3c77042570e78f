import { env as testEnv } from 'cloudflare:workers';
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runInDurableObject,
} from 'cloudflare:test';
import handler from '../../../worker/index';
import { REREADS_LIMIT_KEY } from '../../../worker/queues/rereads';

/** The queues of wrangler.jsonc, and each consumer's max_batch_size there. */
export const QUEUES = {
  ingest: { name: 'paypay-kyc-ingest', batch: 100 },
  dlq: { name: 'paypay-kyc-ingest-dlq', batch: 100 },
  rereads: { name: 'paypay-kyc-rereads', batch: 50 },
} as const;

/** One message a held queue holds. */
export interface HeldMessage {
  id: string;
  body: unknown;
  attempts: number;
}

/**
 * A Queue that keeps what the Worker sends, for `deliverHeld` to hand to the
 * Worker's consumer with the env of the call that sent it. The real queues of
 * the test workerd deliver to the consumer with the test env only, which
 * would drop a call's settings overrides (MERCHANT_WEBHOOK_URL,
 * UNCONFIRMED_REREADS_PER_MINUTE, PayPay's key ...); and they deliver after
 * the batch timeout, where a test wants to read the feed at once.
 * test/worker/queues/real-queues.test.ts checks that the real ones deliver.
 */
export class HeldQueue implements Queue<unknown> {
  readonly held: HeldMessage[] = [];
  constructor(readonly name: string) {}

  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: this.held.length, backlogBytes: 0 };
  }

  async send(body: unknown, options?: QueueSendOptions): Promise<QueueSendResponse> {
    this.hold(body, options?.contentType);
    return { metadata: { metrics: { backlogCount: this.held.length, backlogBytes: 0 } } };
  }

  async sendBatch(
    messages: Iterable<MessageSendRequest<unknown>>,
  ): Promise<QueueSendBatchResponse> {
    for (const message of messages) this.hold(message.body, message.contentType);
    return { metadata: { metrics: { backlogCount: this.held.length, backlogBytes: 0 } } };
  }

  private hold(body: unknown, contentType: QueueContentType | undefined): void {
    // What the consumer would get: a JSON body crosses as its JSON, anything else as a copy.
    const copy = contentType === 'json' ? JSON.parse(JSON.stringify(body)) : structuredClone(body);
    this.held.push({ id: crypto.randomUUID().replaceAll('-', ''), body: copy, attempts: 1 });
  }
}

let windows = 0;

/**
 * `env` with INGEST and REREADS holding their messages (see HeldQueue), and a
 * re-read rate window of its own: one call stands for one moment (the tests'
 * cron runs are hours apart in scheduled time, seconds apart in real time),
 * so the re-reads of earlier calls do not count against it. Only
 * test/worker/queues/rereads.test.ts shares a window between deliveries. A
 * queue or limiter the caller put in `env` itself is kept.
 */
export function holdingQueues(env: Env): Env {
  const tag = `call-${++windows}`;
  const limiter = new Proxy(env.RATE_LIMITER, {
    get(target, name) {
      if (name === 'idFromName') {
        return (key: string) =>
          target.idFromName(key === REREADS_LIMIT_KEY ? `${tag}:${key}` : key);
      }
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  // A queue or limiter a test put in itself stays.
  const own = (name: 'INGEST' | 'REREADS' | 'RATE_LIMITER') => env[name] !== testEnv[name];
  return {
    ...env,
    INGEST: own('INGEST') ? env.INGEST : new HeldQueue(QUEUES.ingest.name),
    REREADS: own('REREADS') ? env.REREADS : new HeldQueue(QUEUES.rereads.name),
    RATE_LIMITER: own('RATE_LIMITER') ? env.RATE_LIMITER : limiter,
  } as Env;
}

/**
 * Hands what `env`'s held queues hold to the Worker's `queue` handler, with
 * that same env, until nothing is left: notifications to INGEST's consumer,
 * then the re-reads it queued to REREADS'. A message the consumer retries
 * comes again at once (its delay is not waited), at most 3 times in all: a
 * consumer that keeps retrying fails the test rather than hang it.
 */
export async function deliverHeld(env: Env): Promise<void> {
  const queues = [env.INGEST, env.REREADS].filter((q) => q instanceof HeldQueue);
  for (let round = 0; round < 20; round++) {
    const waiting = queues.filter((queue) => queue.held.length > 0);
    if (waiting.length === 0) return;
    for (const queue of waiting) {
      const held = queue.held.splice(0);
      const size = queue.name === QUEUES.rereads.name ? QUEUES.rereads.batch : QUEUES.ingest.batch;
      for (let i = 0; i < held.length; i += size) {
        const retried = await consume(queue.name, held.slice(i, i + size), env);
        for (const message of retried) {
          if (message.attempts >= 3) {
            throw new Error(`the ${queue.name} consumer retried a message 3 times`);
          }
          queue.held.push({ ...message, attempts: message.attempts + 1 });
        }
      }
    }
  }
  throw new Error('the consumers kept queueing work');
}

/** What the consumer did with a batch of `messages`, as the queue would see it. */
export interface Consumed {
  acked: string[];
  retried: { id: string; delaySeconds: number | undefined }[];
}

/**
 * Runs the Worker's `queue` handler on one batch of `queue`, as Cloudflare
 * would deliver it, and says which messages it acked and which it retried,
 * with the delay asked (a message left alone is acked when the handler
 * returns). The plugin's batch records a retry but not its delay, so each
 * message's `retry` and the batch's `retryAll` are watched here.
 */
export async function consumeMessages(
  queue: string,
  messages: readonly HeldMessage[],
  env: Env = testEnv,
): Promise<Consumed> {
  const batch = createMessageBatch(
    queue,
    messages.map(({ id, body, attempts }) => ({ id, body, attempts, timestamp: Date.now() })),
  );
  const delays = new Map<string, number | undefined>();
  let delayAll: number | undefined;
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, 'retry', {
      value: (options?: QueueRetryOptions) => {
        if (!delays.has(message.id)) delays.set(message.id, options?.delaySeconds);
        retry(options);
      },
    });
  }
  const retryAll = batch.retryAll.bind(batch);
  Object.defineProperty(batch, 'retryAll', {
    value: (options?: QueueRetryOptions) => {
      delayAll = options?.delaySeconds;
      retryAll(options);
    },
  });
  const ctx = createExecutionContext();
  await (handler.queue as ExportedHandlerQueueHandler<Env>)(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const all = result.retryBatch.retry || result.outcome !== 'ok';
  const retried = messages
    .filter(({ id }) => all || result.retryMessages.some((r) => r.msgId === id))
    .map(({ id }) => ({ id, delaySeconds: all ? delayAll : delays.get(id) }));
  const acked = messages.map(({ id }) => id).filter((id) => !retried.some((r) => r.id === id));
  return { acked, retried };
}

async function consume(
  queue: string,
  messages: readonly HeldMessage[],
  env: Env,
): Promise<HeldMessage[]> {
  const { retried } = await consumeMessages(queue, messages, env);
  return messages.filter(({ id }) => retried.some((r) => r.id === id));
}

/** A message body as INGEST carries it: a KYC / risk / account-status notification. */
export function eventMessageOf(
  kind: 'kyc' | 'risk' | 'account-status',
  userAuthorizationId: string,
  notificationId: string,
  receivedAt = Date.now(),
): HeldMessage {
  return {
    id: crypto.randomUUID().replaceAll('-', ''),
    attempts: 1,
    body: { v: 1, t: 'event', kind, notificationId, userAuthorizationId, receivedAt },
  };
}

/** How many feed events carry this notification id, read in the home shard. */
export function eventsWithId(notificationId: string): Promise<number> {
  const feed = testEnv.EVENT_FEED.get(testEnv.EVENT_FEED.idFromName('feed'));
  return runInDurableObject(feed, (_object, state) => {
    const row = state.storage.sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM events WHERE notification_id = ?',
        notificationId,
      )
      .one();
    return row.n;
  });
}
