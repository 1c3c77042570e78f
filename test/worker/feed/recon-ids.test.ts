// A recon batch split by shard: each shard records the misses of its own ids
// (reconIds), the home shard the file's progress (reconProgress).
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedPage } from '../../../shared/feed';
import { forgottenHash } from '../../../worker/feed/forget-table';
import { kvKeys } from '../../../worker/feed/kv-keys';
import { feedShard } from '../../../worker/feed/stub';
import { uid } from '../support/webhooks';

const PERIOD = { from: '2026-08-01', to: '2026-08-01' };
/** Noon JST of the period's day: a webhook then covers the day. */
const DURING = Date.parse('2026-08-01T03:00:00Z');

function rows(stub: ReturnType<typeof feedShard>, query: string) {
  return runInDurableObject(stub, (_o, state) => state.storage.sql.exec(query).toArray());
}

describe('reconIds', () => {
  it('records a shard’s misses, once, without a recon_files row there', async () => {
    const shard = feedShard(env, 1);
    const file = {
      notificationId: uid('file'),
      fileType: 'kyc_passport_sync_recon' as const,
      period: PERIOD,
    };
    const [missed, seen, gone] = [uid('missed'), uid('seen'), uid('gone')];
    const also = Array.from({ length: 5 }, () => uid('also'));
    // A webhook of the file's kind during its period covers `seen`; `gone` was forgotten.
    await shard.record({
      kind: 'kyc',
      notificationId: uid('n'),
      userAuthorizationId: seen,
      receivedAt: DURING,
    });
    await runInDurableObject(shard, (_o, state) => {
      state.storage.sql.exec(
        'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
        forgottenHash(gone),
        Date.now(),
      );
    });
    const ids = [missed, seen, gone, ...also];
    const now = Date.now();
    expect((await shard.reconIds(file, ids, now)).value).toEqual({ missed: 6 });
    // Idempotent: the dedupe key holds each miss once.
    expect((await shard.reconIds(file, ids, now + 1000)).value).toEqual({ missed: 0 });

    const page = JSON.parse((await shard.page(0, 100)).value) as FeedPage;
    const misses = page.events.filter((e: FeedEvent) => e.type === 'recon.missed');
    expect(misses.map((e) => e.userAuthorizationId)).toEqual([missed, ...also]);
    expect(misses[0]).toMatchObject({
      kind: 'kyc',
      fileType: file.fileType,
      period: PERIOD,
      source: 'recon',
    });
    expect(misses[0]).not.toHaveProperty('notificationId');
    expect(await rows(shard, 'SELECT * FROM recon_files')).toEqual([]);
    // Listed in PayPay's file: confirmed, changed at the period's end, a re-read due.
    const [user] = await rows(shard, `SELECT * FROM users WHERE uaid = '${missed}'`);
    expect(user).toMatchObject({ kyc_source: 'recon', kyc_count: 1, confirmed_at: now });
    expect(user!.reread_due_at).not.toBeNull();
    expect(await rows(shard, `SELECT * FROM users WHERE uaid = '${gone}'`)).toEqual([]);
    // The KV copies of its users follow on this shard, as after a whole file.
    expect((await shard.flush()).value).toBe(0);
    expect(await env.KYC_KV.get(kvKeys.user(missed))).not.toBeNull();
  });
});

describe('reconProgress', () => {
  it('moves the home shard’s file forward, never back, renewing its lease', async () => {
    const home = feedShard(env, 0);
    const notificationId = uid('file');
    const now = Date.now();
    const { claim } = (
      await home.recordRecon({
        notificationId,
        fileType: 'kyc_passport_sync_recon',
        path: 'https://sandbox.test/kyc_passport_M1_20260801_20260801.csv',
        requestedAt: now,
        period: PERIOD,
        receivedAt: now,
        refused: null,
      })
    ).value;
    expect(claim?.processed).toBe(0);
    await home.reconProgress(notificationId, 2000, 7, now);
    await home.reconProgress(notificationId, 4000, 3, now);
    // A batch reported late (the parallel calls of a file may end in any order).
    await home.reconProgress(notificationId, 2000, 0, now);
    const [file] = await rows(
      home,
      `SELECT * FROM recon_files WHERE notification_id = '${notificationId}'`,
    );
    expect(file).toMatchObject({ processed: 4000, missed: 10, state: 'pending' });
    expect(Number(file!.lease_until)).toBeGreaterThan(Date.now());
  });
});
