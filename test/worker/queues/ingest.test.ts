import { env, exports } from 'cloudflare:workers';
import {
  createExecutionContext,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import handler from '../../../worker/index';
import { feedFor } from '../../../worker/feed/stub';
import { WORKER_ORIGIN } from '../support/flow';
import {
  consumeMessages,
  eventMessageOf,
  eventsWithId,
  HeldQueue,
  holdingQueues,
  QUEUES,
  type HeldMessage,
} from '../support/queues';
import { until } from '../support/users';
import { envWith, eventBody, sandboxUser, uid, userStateOf } from '../support/webhooks';

/**
 * `env` whose feed objects refuse `recordBatch` while `refused(shardName)` says
 * so: what a shard restarting, or one the shard guard refuses, looks like to
 * the consumer. Everything else goes to the real objects.
 */
function refusingShards(base: Env, refused: (name: string) => boolean): Env {
  const names = ['feed', ...Array.from({ length: 63 }, (_, i) => `feed-${i + 1}`)];
  const feeds = new Proxy(base.EVENT_FEED, {
    get(target, name) {
      if (name === 'get') {
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          const shard = names.find((n) => target.idFromName(n).equals(id)) ?? '';
          if (!refused(shard)) return stub;
          return new Proxy(stub, {
            get: (s, method) =>
              method === 'recordBatch'
                ? () => Promise.reject(new Error('storage unavailable'))
                : Reflect.get(s, method),
          });
        };
      }
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...base, EVENT_FEED: feeds } as Env;
}

/** The messages again, as the queue delivers a retry: the same ids, one more attempt. */
const again = (messages: HeldMessage[]) =>
  messages.map((m) => ({ ...m, attempts: m.attempts + 1 }));

/** How many events of this notification id the user's shard holds (under `shardEnv`'s FEED_SHARDS). */
function eventsInShard(shardEnv: Env, uaid: string, notificationId: string): Promise<number> {
  return runInDurableObject(feedFor(shardEnv, uaid), (_o, state) => {
    const sql = state.storage.sql;
    return sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM events WHERE notification_id = ?',
        notificationId,
      )
      .one().n;
  });
}

describe("INGEST's consumer", () => {
  it('retries a batch whose shard threw; delivered again, each notification is recorded once', async () => {
    const uaid = uid('u');
    const messages = ['kyc', 'risk', 'account-status'].map((kind) =>
      eventMessageOf(kind as 'kyc', uaid, uid('evt')),
    );
    const broken = refusingShards(env, () => true);
    const first = await consumeMessages(QUEUES.ingest.name, messages, broken);
    expect(first.acked).toEqual([]);
    // At once the first time: a shard restarting is back in a moment.
    expect(first.retried).toEqual(messages.map(({ id }) => ({ id, delaySeconds: 0 })));
    for (const m of messages) expect(await eventsWithId(notificationIdOf(m))).toBe(0);

    const second = await consumeMessages(QUEUES.ingest.name, again(messages));
    expect(second.acked).toEqual(messages.map(({ id }) => id));
    // The queue may deliver a batch twice: the second time changes nothing.
    const third = await consumeMessages(QUEUES.ingest.name, again(again(messages)));
    expect(third.retried).toEqual([]);
    for (const m of messages) expect(await eventsWithId(notificationIdOf(m))).toBe(1);
    const state = await userStateOf(uaid);
    expect([state.kyc?.count, state.risk?.count, state.accountStatus?.count]).toEqual([1, 1, 1]);
  });

  it('backs a failing shard off: 0 s, then 10 s doubling, at most 5 minutes', async () => {
    const broken = refusingShards(env, () => true);
    const delays: (number | undefined)[] = [];
    for (const attempts of [1, 2, 3, 4, 7, 10]) {
      const message = { ...eventMessageOf('kyc', uid('u'), uid('evt')), attempts };
      const { retried } = await consumeMessages(QUEUES.ingest.name, [message], broken);
      delays.push(retried[0]?.delaySeconds);
    }
    expect(delays).toEqual([0, 10, 20, 40, 300, 300]);
  });

  it('groups a batch by shard: one failing shard retries only its own notifications', async () => {
    const sharded = envWith({ FEED_SHARDS: '4' });
    const refused = 'feed-2';
    const broken = refusingShards(sharded, (name) => name === refused);
    const users = Array.from({ length: 12 }, () => uid('u'));
    const messages = users.map((uaid) => eventMessageOf('kyc', uaid, uid('evt')));
    const { acked, retried } = await consumeMessages(QUEUES.ingest.name, messages, broken);
    const onRefused = (m: HeldMessage) =>
      feedFor(sharded, userOf(m)).id.equals(sharded.EVENT_FEED.idFromName(refused));
    expect(retried.map((r) => r.id).sort()).toEqual(
      messages
        .filter(onRefused)
        .map((m) => m.id)
        .sort(),
    );
    expect(acked.length + retried.length).toBe(messages.length);
    for (const m of messages) {
      const count = await eventsInShard(sharded, userOf(m), notificationIdOf(m));
      expect(count).toBe(onRefused(m) ? 0 : 1);
    }
  });

  it('acks and logs a malformed body without failing the rest of the batch', async () => {
    const good = eventMessageOf('risk', uid('u'), uid('evt'));
    const bodies: unknown[] = [
      'not json',
      { v: 2, t: 'event' },
      { ...(good.body as object), extra: 1 },
      { ...(good.body as object), userAuthorizationId: 'bad id with spaces' },
      { ...(good.body as object), receivedAt: '1700000000000' },
      null,
    ];
    const junk = bodies.map((body, i) => ({ id: `junk${i}`, attempts: 1, body }));
    const { acked, retried } = await consumeMessages(QUEUES.ingest.name, [...junk, good]);
    expect(retried).toEqual([]);
    expect(acked).toEqual([...junk.map((m) => m.id), good.id]);
    expect(await eventsWithId(notificationIdOf(good))).toBe(1);
  });

  it('queues the re-reads the feed hands out on REREADS', async () => {
    const uaid = await sandboxUser();
    const held = holdingQueues(env);
    const message = eventMessageOf('kyc', uaid, uid('evt'));
    await consumeMessages(QUEUES.ingest.name, [message], held);
    const rereads = (held.REREADS as unknown as HeldQueue).held;
    expect(rereads.map((m) => m.body)).toEqual([
      { v: 1, t: 'reread', userAuthorizationId: uaid, startedAt: receivedAtOf(message) },
    ]);
  });

  it('records a notification directly, and answers 200, when the queue refuses it', async () => {
    const uaid = uid('u');
    const body = eventBody('kyc', uaid);
    const refusing = {
      ...holdingQueues(env),
      INGEST: { send: () => Promise.reject(new Error('queue unavailable')) },
    } as unknown as Env;
    const ctx = createExecutionContext();
    const request = new Request(`${WORKER_ORIGIN}/v1/webhooks/paypay/kyc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }) as Request<unknown, IncomingRequestCfProperties>;
    const response = await handler.fetch(request, refusing, ctx);
    // Recorded before the answer, not after it.
    expect(await eventsWithId(body.notification_id)).toBe(1);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    await waitOnExecutionContext(ctx);
    // Its re-read goes the usual way.
    const rereads = (refusing.REREADS as unknown as HeldQueue).held;
    expect(
      rereads.map((m) => (m.body as { userAuthorizationId: string }).userAuthorizationId),
    ).toEqual([uaid]);
  });
});

describe('the real queues of wrangler.jsonc', () => {
  it('deliver a notification a receiver queued to the consumer, which records it', async () => {
    const body = eventBody('account-status', uid('u'));
    // The Worker as deployed: the test env, its INGEST the local queue.
    const response = await exports.default.fetch(
      new Request(`${WORKER_ORIGIN}/v1/webhooks/paypay/account-status`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '192.0.2.1' },
        body: JSON.stringify(body),
      }),
    );
    expect(response.status).toBe(200);
    await until(async () => (await eventsWithId(body.notification_id)) === 1);
  });
});

function notificationIdOf(message: HeldMessage): string {
  return (message.body as { notificationId: string }).notificationId;
}

function userOf(message: HeldMessage): string {
  return (message.body as { userAuthorizationId: string }).userAuthorizationId;
}

function receivedAtOf(message: HeldMessage): number {
  return (message.body as { receivedAt: number }).receivedAt;
}
