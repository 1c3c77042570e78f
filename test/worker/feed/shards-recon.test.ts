import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../../shared/feed';
import { parseConfig } from '../../../worker/settings/config';
import { processRecon, RECON_LIMITS, reconBudget } from '../../../worker/recon/process';
import { feedShard, shardOf } from '../../../worker/feed/stub';
import { bearer, call, claimFile, envWith, feed, reconRow, uid } from '../support/webhooks';

// Issue 22: with FEED_SHARDS > 1 a recon batch is split by the shard of its
// users, each part recorded there in parallel, the file's progress at home.

const FOUR = { FEED_SHARDS: '4' };
const config = parseConfig(env as unknown as Record<string, string>);
const csv = (ids: string[]) => `userAuthorizationId\n${ids.join('\n')}\n`;

/** The users of `recon.missed` events a shard holds for these ids. */
function missesIn(shard: number, ids: string[]): Promise<string[]> {
  return runInDurableObject(feedShard(env, shard), (_object, state) =>
    state.storage.sql
      .exec<{ uaid: string }>(
        "SELECT uaid FROM events WHERE type = 'recon.missed' AND uaid IN (SELECT value FROM json_each(?)) ORDER BY seq",
        JSON.stringify(ids),
      )
      .toArray()
      .map((row) => row.uaid),
  );
}

/** Every event GET /v1/events shows across four shards. */
async function allEvents(): Promise<FeedEvent[]> {
  const all: FeedEvent[] = [];
  let cursor = '';
  for (;;) {
    const query = new URLSearchParams({ limit: '1000', ...(cursor ? { after: cursor } : {}) });
    const response = await call(`/v1/events?${query}`, { headers: bearer }, FOUR);
    const page = await response.json<{ events: FeedEvent[]; cursor: string }>();
    if (page.events.length === 0) return all;
    all.push(...page.events);
    cursor = page.cursor;
  }
}

describe('recon across shards', () => {
  it("records each miss in its user's shard, the file's progress at home", async () => {
    const ids = Array.from({ length: 60 }, () => uid('r'));
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const budget = reconBudget();
    const before = budget.calls;
    const ended = await processRecon(
      envWith(FOUR),
      config,
      claim,
      now,
      async () => {
        return new Response(csv(ids));
      },
      budget,
    );
    expect(ended).toBe('done');
    // The download, then one call per shard the batch names and one for the progress.
    const parts = new Set(ids.map((id) => shardOf(id, 4))).size;
    expect(parts).toBe(4);
    expect(before - budget.calls).toBe(1 + parts + 1);
    for (let shard = 0; shard < 4; shard++) {
      const mine = ids.filter((id) => shardOf(id, 4) === shard);
      expect(await missesIn(shard, ids), `shard ${shard}`).toEqual(mine);
    }
    expect(await reconRow(notificationId)).toMatchObject({
      state: 'done',
      ids_total: 60,
      missed: 60,
    });
    const misses = (await allEvents()).filter((e) => ids.includes(e.userAuthorizationId ?? ''));
    expect(misses.map((e) => e.userAuthorizationId).sort()).toEqual([...ids].sort());
    // A part sent again adds nothing (its dedupe key), as a resumed file's would.
    const file = { notificationId, fileType: claim.fileType, period: claim.period };
    const part = ids.filter((id) => shardOf(id, 4) === 1);
    expect((await feedShard(env, 1).reconIds(file, part, now)).value).toEqual({ missed: 0 });
  });

  it('counts every call of a split batch against the invocation', async () => {
    // A batch carries RECON_LIMITS.batch ids for each of the four shards.
    const batch = RECON_LIMITS.batch * 4;
    const ids = Array.from({ length: batch + 10 }, () => uid('b'));
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    // The download, one batch over four shards and its progress, the pause: not the second batch.
    const budget = { deadline: Date.now() + 60_000, calls: 1 + 5 + 1 };
    const fetchFn = async () => new Response(csv(ids));
    expect(await processRecon(envWith(FOUR), config, claim, now, fetchFn, budget)).toBe('paused');
    expect(budget.calls).toBe(1);
    const row = await runInDurableObject(feed(), (_object, state) =>
      state.storage.sql
        .exec<{ processed: number; missed: number; state: string }>(
          'SELECT processed, missed, state FROM recon_files WHERE notification_id = ?',
          notificationId,
        )
        .one(),
    );
    expect(row).toEqual({ processed: batch, missed: batch, state: 'pending' });
    const [resumed] = (await feed().dueRecon(now + 1, 10)).value;
    expect(resumed).toMatchObject({ notificationId, processed: batch });
    expect(await processRecon(envWith(FOUR), config, resumed!, now + 1, fetchFn)).toBe('done');
    expect(await reconRow(notificationId)).toMatchObject({
      state: 'done',
      ids_total: ids.length,
      missed: ids.length,
    });
    let recorded = 0;
    for (let shard = 0; shard < 4; shard++) recorded += (await missesIn(shard, ids)).length;
    expect(recorded).toBe(ids.length);
  });
});
