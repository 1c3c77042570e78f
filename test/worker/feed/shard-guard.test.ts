// The shard count guard: an object records FEED_SHARDS on first use and
// refuses every call once the count it serves under differs from it.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { shardVerdict } from '../../../worker/feed/shard-guard';
import { envWith, uid } from '../support/webhooks';

type Stub = ReturnType<typeof freshFeed>;

function freshFeed() {
  return env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
}

/** The error a call ended in, or null (through then(): see record-batch.test.ts). */
function failure(call: Promise<unknown>): Promise<string | null> {
  return call.then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

/** Gives the object FEED_SHARDS of its own (a call's overrides do not reach it). */
function configure(stub: Stub, shards: string): Promise<void> {
  return runInDurableObject(stub, (instance) => {
    (instance as unknown as { env: Env }).env = envWith({ FEED_SHARDS: shards });
  });
}

/** A call of each kind the guard stands in front of. */
function guarded(stub: Stub): Promise<unknown>[] {
  const now = Date.now();
  const input = { kind: 'kyc' as const, notificationId: uid('n'), receivedAt: now };
  return [
    stub.page(0, 10),
    stub.record({ ...input, userAuthorizationId: uid('u') }),
    stub.recordBatch([{ ...input, userAuthorizationId: uid('u') }]),
    stub.dueRereads(now, 5),
    stub.dueForgets(now, 5),
    stub.prune(now),
    stub.flush(),
    stub.deadLetterCount(),
  ];
}

describe('shardVerdict', () => {
  it('serves a matching count, records a first one, refuses a change on data', () => {
    expect(shardVerdict(1, 1, true)).toBe('ok');
    expect(shardVerdict(4, 4, true)).toBe('ok');
    expect(shardVerdict(1, 4, false)).toBe('refused');
    expect(shardVerdict(4, 1, true)).toBe('refused');
    expect(shardVerdict(null, 1, true)).toBe('record');
    expect(shardVerdict(null, 4, false)).toBe('record');
    expect(shardVerdict(null, 4, true)).toBe('refused');
  });
});

describe('the shard count guard', () => {
  it('refuses every call once the recorded count differs, but the reshard ones', async () => {
    const stub = freshFeed();
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec("INSERT INTO feed_meta (key, value) VALUES ('shards', '4')");
    });
    for (const call of guarded(stub)) expect(await failure(call)).toBe('FEED_SHARDS_CHANGED');
    expect((await stub.shardState()).value).toEqual({
      recorded: 4,
      configured: 1,
      refused: true,
    });
    expect((await stub.exportUsers(0, 2, 10)).value).toBe('[]');
    // The reshard command sets the count the deployment now has: served again.
    await stub.setShards(1);
    expect((await stub.shardState()).value).toEqual({ recorded: 1, configured: 1, refused: false });
    for (const call of guarded(stub)) expect(await failure(call)).toBeNull();
  });

  it('refuses an object holding data with no count recorded when FEED_SHARDS says more than 1', async () => {
    const stub = freshFeed();
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec("INSERT INTO users (uaid, updated_at) VALUES ('u-old', 1)");
    });
    await configure(stub, '4');
    expect(await failure(stub.page(0, 10))).toBe('FEED_SHARDS_CHANGED');
    expect((await stub.shardState()).value).toEqual({
      recorded: null,
      configured: 4,
      refused: true,
    });
    const meta = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec('SELECT * FROM feed_meta').toArray(),
    );
    expect(meta).toEqual([]);
    // Under its old count (a deployment rolled back), it serves and records it.
    await configure(stub, '1');
    expect(await failure(stub.page(0, 10))).toBeNull();
    expect((await stub.shardState()).value.recorded).toBe(1);
  });

  it('records the count an empty object is first used under', async () => {
    const stub = freshFeed();
    await configure(stub, '4');
    expect((await stub.shardState()).value).toEqual({
      recorded: null,
      configured: 4,
      refused: false,
    });
    expect(await failure(stub.page(0, 10))).toBeNull();
    expect((await stub.shardState()).value).toEqual({ recorded: 4, configured: 4, refused: false });
    await configure(stub, '8');
    expect(await failure(stub.page(0, 10))).toBe('FEED_SHARDS_CHANGED');
  });

  it('takes only a shard count FEED_SHARDS could hold', async () => {
    const stub = freshFeed();
    for (const n of [0, 65, 1.5]) expect(await failure(stub.setShards(n))).toMatch(/shard count/);
  });
});
