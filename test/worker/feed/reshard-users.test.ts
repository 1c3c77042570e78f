// Growing the feed: users move from their old shard to their new one
// (exportUsers, importUsers, dropUsers), their events stay.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/result';
import { forgottenHash } from '../../../worker/feed/forget-table';
import { shardOf } from '../../../worker/feed/stub';
import { envWith, uid } from '../support/webhooks';

function freshFeed() {
  return env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
}

type Stub = ReturnType<typeof freshFeed>;
type Row = Record<string, SqlStorageValue>;

function rows(stub: Stub, query: string): Promise<Row[]> {
  return runInDurableObject(stub, (_o, state) => state.storage.sql.exec(query).toArray());
}

const byUaid = (list: Row[]) => new Map(list.map((row) => [row.uaid as string, row]));

/** Moves every user of shard 0 that belongs to shard 1 of 2, `limit` at a time, as the command does. */
async function moveAll(from: Stub, to: Stub, limit: number): Promise<number> {
  let moved = 0;
  for (;;) {
    const json = (await from.exportUsers(0, 2, limit)).value;
    const users = JSON.parse(json) as { uaid: string }[];
    if (users.length === 0) return moved;
    expect(users.every((u) => shardOf(u.uaid, 2) === 1)).toBe(true);
    expect((await to.importUsers(json, Date.now())).value).toBe(users.length);
    expect((await from.dropUsers(users.map((u) => u.uaid))).value).toBe(users.length);
    moved += users.length;
  }
}

describe('moving users to a new shard', () => {
  it('keeps their rows whole (standing, sessions, forget) and their events where they were', async () => {
    const [source, target] = [freshFeed(), freshFeed()];
    const now = Date.now();
    const users = Array.from({ length: 40 }, () => uid('user'));
    await source.recordBatch(
      users.map((uaid) => ({
        kind: 'kyc' as const,
        notificationId: uid('n'),
        userAuthorizationId: uaid,
        receivedAt: now,
      })),
    );
    // Some state of each sort a user can have.
    for (const uaid of users.slice(0, 10)) {
      const claim = { userAuthorizationId: uaid, startedAt: now };
      await source.recordStanding(
        claim,
        ok({ standing: 'KYC_UPDATE_REQUIRED', paypayRequestId: 'p-1' }),
        now,
      );
    }
    const verified = users.find((u) => shardOf(u, 2) === 1)!;
    const leaving = users.filter((u) => shardOf(u, 2) === 1).at(-1)!;
    await source.verified({
      userAuthorizationId: verified,
      sessionObjectId: env.SESSIONS.newUniqueId().toString(),
      referenceId: 'order-7',
      referenceIdMode: 'merchant',
      kycUntil: now + 86_400_000,
      now,
    });
    await source.startForget(leaving, 'req_move', now);
    const hash = forgottenHash(uid('gone'));
    await runInDurableObject(source, (_o, state) => {
      state.storage.sql.exec(
        'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
        hash,
        now,
      );
    });
    const before = byUaid(await rows(source, 'SELECT * FROM users'));
    const sessions = await rows(source, 'SELECT * FROM user_sessions');
    const events = await rows(source, 'SELECT * FROM events ORDER BY seq');

    const moving = users.filter((u) => shardOf(u, 2) === 1);
    expect(moving.length).toBeGreaterThan(5);
    // The new shard runs under the new count; the old one is moved from regardless of its own.
    await runInDurableObject(target, (instance) => {
      (instance as unknown as { env: Env }).env = envWith({ FEED_SHARDS: '2' });
    });
    expect(await moveAll(source, target, 7)).toBe(moving.length);
    // Holding users now, the new shard serves: it took the count it was configured with.
    expect((await target.shardState()).value).toEqual({
      recorded: 2,
      configured: 2,
      refused: false,
    });

    const moved = byUaid(await rows(target, 'SELECT * FROM users'));
    expect([...moved.keys()].sort()).toEqual([...moving].sort());
    for (const uaid of moving) expect(moved.get(uaid)).toEqual(before.get(uaid));
    expect(moving.filter((u) => moved.get(u)?.standing === 'KYC_UPDATE_REQUIRED')).not.toEqual([]);
    expect(moved.get(leaving)).toMatchObject({
      forget_requested_at: now,
      forget_request_id: 'req_move',
    });
    expect(moved.get(verified)).toMatchObject({
      reference_id: 'order-7',
      reference_id_mode: 'merchant',
    });
    expect(await rows(target, 'SELECT * FROM user_sessions')).toEqual(sessions);
    const staying = byUaid(await rows(source, 'SELECT * FROM users'));
    expect([...staying.keys()].sort()).toEqual(users.filter((u) => shardOf(u, 2) === 0).sort());
    expect(await rows(source, 'SELECT * FROM user_sessions')).toEqual([]);
    expect(await rows(source, 'SELECT * FROM events ORDER BY seq')).toEqual(events);
    expect(await rows(target, 'SELECT * FROM events')).toEqual([]);

    // Forgotten ids' hashes name no shard: every new shard gets them all.
    const hashes = (await source.exportForgotten()).value;
    expect((await target.importForgotten(hashes)).value).toBe(1);
    expect((await target.importForgotten(hashes)).value).toBe(0);
    expect(await rows(target, 'SELECT id_hash FROM forgotten')).toEqual([{ id_hash: hash }]);
    // The forget goes on where the user now is.
    expect(
      (await target.dueForgets(now + 120_000, 10)).value.map((a) => a.userAuthorizationId),
    ).toEqual([leaving]);
  });

  it('imports the same users twice to the same rows, and merges news that came first', async () => {
    const [source, target] = [freshFeed(), freshFeed()];
    const now = Date.now();
    const uaid = Array.from({ length: 50 }, () => uid('one')).find((u) => shardOf(u, 2) === 1)!;
    const input = { userAuthorizationId: uaid, receivedAt: now - 5000 };
    await source.record({ ...input, kind: 'kyc', notificationId: uid('n') });
    await source.record({ ...input, kind: 'kyc', notificationId: uid('n') });
    await source.recordStanding(
      { userAuthorizationId: uaid, startedAt: now },
      ok({ standing: 'OK', paypayRequestId: null }),
      now,
    );
    const json = (await source.exportUsers(0, 2, 10)).value;
    expect((await target.importUsers(json, now)).value).toBe(1);
    const once = await rows(target, 'SELECT * FROM users');
    expect((await target.importUsers(json, now)).value).toBe(1);
    expect(await rows(target, 'SELECT * FROM users')).toEqual(once);

    // News of the user reached its new shard before the import: both are kept.
    const other = freshFeed();
    await other.record({
      userAuthorizationId: uaid,
      receivedAt: now,
      kind: 'risk',
      notificationId: uid('n'),
    });
    await other.importUsers(json, now);
    const [merged] = await rows(other, 'SELECT * FROM users');
    expect(merged).toMatchObject({ kyc_count: 2, risk_count: 1, risk_at: now, standing: 'OK' });
    expect(Number(merged!.version)).toBeGreaterThan(Number(merged!.kv_version));
  });
});
