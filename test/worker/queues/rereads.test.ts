import { env } from 'cloudflare:workers';
import { createScheduledController, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import handler from '../../../worker/index';
import { parseConfig } from '../../../worker/settings/config';
import { feedFor, feedShard, shardOf } from '../../../worker/feed/stub';
import { fault, sandboxCalls } from '../support/sandbox';
import {
  consumeMessages,
  deliverHeld,
  eventMessageOf,
  HeldQueue,
  holdingQueues,
  QUEUES,
  type HeldMessage,
} from '../support/queues';
import { envWith, feed, sandboxUser, uid } from '../support/webhooks';

const MINUTE = 60_000;

let windows = 0;
/** `env` with a re-read rate window of its own (the limiter counts per deployment). */
function ownWindow(base: Env): Env {
  const tag = `rereads-test-${++windows}`;
  const limiter = new Proxy(base.RATE_LIMITER, {
    get(target, name) {
      if (name === 'idFromName') return (key: string) => target.idFromName(`${tag}:${key}`);
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...base, RATE_LIMITER: limiter } as Env;
}

function rereadOf(userAuthorizationId: string, startedAt = Date.now()): HeldMessage {
  return {
    id: crypto.randomUUID().replaceAll('-', ''),
    attempts: 1,
    body: { v: 1, t: 'reread', userAuthorizationId, startedAt },
  };
}

const reads = async () => (await sandboxCalls()).kycPassportInfo ?? 0;

type UserRow = {
  standing: string | null;
  reread_due_at: number | null;
  reread_failures: number;
  reread_error: string | null;
};

function userRow(stub: DurableObjectStub, uaid: string): Promise<UserRow | undefined> {
  return runInDurableObject(
    stub,
    (_o, state) =>
      state.storage.sql
        .exec<UserRow>(
          'SELECT standing, reread_due_at, reread_failures, reread_error FROM users WHERE uaid = ?',
          uaid,
        )
        .toArray()[0],
  );
}

/** A user known to `stub`, confirmed, whose re-read is due since a minute ago. */
function dueUser(stub: DurableObjectStub, uaid: string, now: number): Promise<void> {
  return runInDurableObject(stub, (_o, state) => {
    state.storage.sql.exec(
      `INSERT INTO users (uaid, updated_at, confirmed_at, reread_due_at) VALUES (?, ?, ?, ?)`,
      uaid,
      now,
      now,
      now - MINUTE,
    );
  });
}

describe('the setting PAYPAY_REREADS_PER_MINUTE', () => {
  it('reads PAYPAY_REREADS_PER_MINUTE: 300 by default, an integer from 1 to 100000', () => {
    expect(parseConfig({}).rereadsPerMinute).toBe(300);
    expect(parseConfig({}).problems.map((p) => p.setting)).not.toContain(
      'PAYPAY_REREADS_PER_MINUTE',
    );
    expect(parseConfig({ PAYPAY_REREADS_PER_MINUTE: '100000' }).rereadsPerMinute).toBe(100_000);
    for (const value of ['0', '100001', '1.5', 'fast']) {
      const config = parseConfig({ PAYPAY_REREADS_PER_MINUTE: value });
      expect(config.rereadsPerMinute).toBe(300);
      expect(config.problems.filter((p) => p.setting === 'PAYPAY_REREADS_PER_MINUTE')).toEqual([
        {
          setting: 'PAYPAY_REREADS_PER_MINUTE',
          problem: 'invalid',
          reason: 'PAYPAY_REREADS_PER_MINUTE must be an integer from 1 to 100000',
        },
      ]);
    }
  });
});

describe("the cron's re-reads", () => {
  it('are queued on REREADS, each shard its share of PAYPAY_REREADS_PER_MINUTE', async () => {
    const sharded = holdingQueues(envWith({ FEED_SHARDS: '2', PAYPAY_REREADS_PER_MINUTE: '2' }));
    const now = Date.now();
    const due: string[][] = [[], []];
    while (due[0]!.length < 3 || due[1]!.length < 3) {
      const uaid = uid('u');
      due[shardOf(uaid, 2)]!.push(uaid);
    }
    for (const [shard, users] of due.entries()) {
      for (const uaid of users) await dueUser(feedShard(sharded, shard), uaid, now);
    }
    const before = await reads();
    await handler.scheduled(createScheduledController({ scheduledTime: now }), sharded);
    // Queued, not made: nothing reached PayPay yet.
    expect(await reads()).toBe(before);
    const queued = (sharded.REREADS as unknown as HeldQueue).held.map(
      (m) => m.body as { userAuthorizationId: string; startedAt: number },
    );
    expect(queued).toHaveLength(2);
    expect(queued.map((q) => shardOf(q.userAuthorizationId, 2)).sort()).toEqual([0, 1]);
    expect(queued.every((q) => q.startedAt === now)).toBe(true);
    await deliverHeld(sharded);
    expect((await reads()) - before).toBe(2);
  });
});

describe("REREADS' consumer", () => {
  it('keeps to PAYPAY_REREADS_PER_MINUTE across invocations: over the rate waits for the window', async () => {
    const paced = ownWindow(envWith({ PAYPAY_REREADS_PER_MINUTE: '2' }));
    const users = [uid('u'), uid('u'), uid('u')];
    const before = await reads();
    const first = await consumeMessages(
      QUEUES.rereads.name,
      users.map((u) => rereadOf(u)),
      paced,
    );
    expect(first.acked).toHaveLength(2);
    expect(first.retried).toHaveLength(1);
    const wait = first.retried[0]!.delaySeconds ?? 0;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // Another invocation within the minute: the same window.
    const second = await consumeMessages(QUEUES.rereads.name, [rereadOf(uid('u'))], paced);
    expect(second.acked).toEqual([]);
    expect(second.retried).toHaveLength(1);
    expect((await reads()) - before).toBe(2);
  });

  it('retries a re-read PayPay answers 429, later each time, storing nothing: never dropped', async () => {
    const open = ownWindow(env);
    const uaid = await sandboxUser();
    const now = Date.now();
    const recorded = await feed().recordBatch([
      { kind: 'kyc', notificationId: uid('evt'), userAuthorizationId: uaid, receivedAt: now },
    ]);
    expect(recorded.value[0]?.reread).toBe(true);
    const message = rereadOf(uaid, now);
    await fault({ operation: 'kycPassportInfo', fault: 'rate_limit' });
    const delays: (number | undefined)[] = [];
    try {
      for (const attempts of [1, 2, 4, 10]) {
        const { acked, retried } = await consumeMessages(
          QUEUES.rereads.name,
          [{ ...message, attempts }],
          open,
        );
        expect(acked).toEqual([]);
        delays.push(retried[0]?.delaySeconds);
      }
    } finally {
      await fault(null);
    }
    expect(delays).toEqual([60, 120, 480, 1800]);
    // Not the user's failure: no back-off, no error, still due.
    expect(await userRow(feed(), uaid)).toMatchObject({
      standing: null,
      reread_failures: 0,
      reread_error: null,
      reread_due_at: expect.any(Number),
    });
    const last = await consumeMessages(QUEUES.rereads.name, [{ ...message, attempts: 11 }], open);
    expect(last.acked).toEqual([message.id]);
    expect(await userRow(feed(), uaid)).toMatchObject({ standing: 'OK', reread_due_at: null });
  });

  it("stores the answer in the user's shard", async () => {
    const sharded = holdingQueues(envWith({ FEED_SHARDS: '4' }));
    let uaid = await sandboxUser();
    while (shardOf(uaid, 4) === 0) uaid = await sandboxUser();
    await consumeMessages(QUEUES.ingest.name, [eventMessageOf('kyc', uaid, uid('evt'))], sharded);
    await deliverHeld(sharded);
    expect(await userRow(feedFor(sharded, uaid), uaid)).toMatchObject({ standing: 'OK' });
    expect(await userRow(feed(), uaid)).toBeUndefined();
  });
});
