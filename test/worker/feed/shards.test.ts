import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedPage, NotificationKind } from '../../../shared/feed';
import { mergePages, positionsOf, seqOfEvent, shardLimit } from '../../../worker/feed/cursor';
import { eventId } from '../../../worker/feed/format';
import { SEQ_RANGE } from '../../../worker/feed/seq-range';
import { feedShard, MAX_FEED_SHARDS, shardOf } from '../../../worker/feed/stub';
import { parseConfig } from '../../../worker/settings/config';
import { bearer, call, uid } from '../support/webhooks';

// Issue 22: the feed sharded by user. GET /v1/events reads every shard and
// merges them; the objects' own env says one shard, which is fine: they are
// written and read by RPC here, and the Worker's calls say four.

const FOUR = { FEED_SHARDS: '4' };
const KINDS: NotificationKind[] = ['kyc', 'risk', 'account-status'];

/** `count` new user ids whose shard out of `shards` is `shard`. */
export function usersOf(shard: number, shards: number, count: number, prefix = 'u'): string[] {
  const found: string[] = [];
  while (found.length < count) {
    const id = uid(prefix);
    if (shardOf(id, shards) === shard) found.push(id);
  }
  return found;
}

async function page(after: string, limit: number, overrides: Record<string, string> = FOUR) {
  const query = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
  const response = await call(`/v1/events?${query}`, { headers: bearer }, overrides);
  expect(response.status).toBe(200);
  return response.json<FeedPage>();
}

function event(seq: number, at: string): FeedEvent {
  return { id: eventId(seq), type: 'kyc.updated', occurredAt: at, source: 'webhook' };
}

describe('shardOf', () => {
  it('is FNV-1a of the id, mod the shards: known values', () => {
    // FNV-1a 32-bit test vectors: "" 0x811c9dc5, "a" 0xe40c292c, "foobar" 0xbf9cf968.
    expect(shardOf('', 64)).toBe(0x811c9dc5 % 64);
    expect(shardOf('a', 64)).toBe(0xe40c292c % 64);
    expect(shardOf('foobar', 64)).toBe(0xbf9cf968 % 64);
    expect(shardOf('foobar', 7)).toBe(0xbf9cf968 % 7);
    expect(shardOf('a', 1)).toBe(0);
    // Pinned: a change of the hash would move every deployed user.
    const ids = ['user-1', 'user-2', 'user-3', 'QwErTy-123'];
    expect(ids.map((id) => [shardOf(id, 4), shardOf(id, 64)])).toEqual([
      [0, 52],
      [1, 45],
      [2, 26],
      [0, 4],
    ]);
  });

  it.each([4, 64])('spreads ids evenly over %i shards', (shards) => {
    const perShard = 100;
    const counts = new Array<number>(shards).fill(0);
    for (let i = 0; i < shards * perShard; i++) counts[shardOf(`uaid-${i}-x`, shards)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(perShard * 0.6);
    expect(Math.max(...counts)).toBeLessThan(perShard * 1.4);
  });
});

describe('FEED_SHARDS', () => {
  const problemOf = (value: string | undefined) =>
    parseConfig({ FEED_SHARDS: value }).problems.find((p) => p.setting === 'FEED_SHARDS');

  it('is 1 by default, any integer from 1 to 64, a problem named FEED_SHARDS otherwise', () => {
    expect(parseConfig({}).feedShards).toBe(1);
    expect(parseConfig({ FEED_SHARDS: '4' }).feedShards).toBe(4);
    expect(parseConfig({ FEED_SHARDS: String(MAX_FEED_SHARDS) }).feedShards).toBe(64);
    for (const bad of ['0', '65', '2.5', '-1', 'four', '1e1']) {
      expect(problemOf(bad), bad).toMatchObject({ problem: 'invalid' });
      // By name, never by value.
      expect(problemOf(bad)?.reason).not.toContain(bad);
    }
    expect(problemOf(undefined)).toBeUndefined();
  });

  it('refuses the feed routes with 503 CONFIG_FEED_SHARDS when malformed', async () => {
    const response = await call('/v1/events', { headers: bearer }, { FEED_SHARDS: '65' });
    expect(response.status).toBe(503);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe(
      'CONFIG_FEED_SHARDS',
    );
  });
});

describe('the cursor across shards', () => {
  it('reads a plain number as shard 0 position, fewer positions as the others at 0', () => {
    expect(positionsOf('', 4)).toEqual([0, 0, 0, 0]);
    expect(positionsOf('17', 4)).toEqual([17, 0, 0, 0]);
    expect(positionsOf('c1.5.6', 4)).toEqual([5, 6, 0, 0]);
    expect(positionsOf('c1.5.6.7.8', 4)).toEqual([5, 6, 7, 8]);
    expect(positionsOf('c1.5', 1)).toEqual([5]);
    for (const bad of ['c1.', 'c1.1.2.3.4.5', 'c1.01', 'c2.1', 'c1.-1', 'c1.1..2', 'x', '1.5'])
      expect(positionsOf(bad, 4), bad).toBeNull();
  });

  it('reads back the seq of an event id', () => {
    expect(seqOfEvent(event(42, '2026-08-01T00:00:00.000Z'))).toBe(42);
    expect(seqOfEvent(event(3 * SEQ_RANGE + 17, 'T1'))).toBe(3 * SEQ_RANGE + 17);
  });

  it('asks each shard for the whole page up to 4 shards, for a share past that', () => {
    expect([1, 2, 4].map((n) => shardLimit(1000, n))).toEqual([1000, 1000, 1000]);
    expect(shardLimit(1000, 64)).toBe(63);
    expect(shardLimit(10, 64)).toBe(10);
  });

  it('merges by time, ties to the lower shard, and moves only past what it returned', () => {
    const pages: FeedPage[] = [
      { events: [event(3, 'T2'), event(4, 'T5')], cursor: '4' },
      { events: [event(8, 'T1'), event(9, 'T2'), event(10, 'T3')], cursor: '10' },
      { events: [], cursor: '0' },
    ];
    const merged = mergePages(pages, [2, 7, 0], 4);
    expect(merged.events.map((e) => [e.occurredAt, e.id])).toEqual([
      ['T1', 'ev_8'],
      ['T2', 'ev_3'],
      ['T2', 'ev_9'],
      ['T3', 'ev_10'],
    ]);
    expect(merged.cursor).toBe('c1.3.10.0');
  });

  it('is validated strictly: 400 INVALID_CURSOR', async () => {
    const bad = ['c1.', 'c1.1.2.3.4.5', 'c1.01.0', 'c2.1', 'c1.-1', 'c1.1..2', 'abc', '1.5', ' 1'];
    for (const after of bad) {
      const query = new URLSearchParams({ after });
      const response = await call(`/v1/events?${query}`, { headers: bearer }, FOUR);
      expect(response.status, after).toBe(400);
      const body = await response.json<{ error: { code: string; requestId: string } }>();
      expect(body.error.code, after).toBe('INVALID_CURSOR');
      expect(body.error.requestId).toMatch(/^req_/);
    }
    // One shard: a composite cursor of two positions names a shard it does not have.
    const one = await call('/v1/events?after=c1.1.2', { headers: bearer });
    expect(one.status).toBe(400);
  });

  it('reads every event once, in each user order, while 4 shards are written', async () => {
    const rounds = 25;
    const users = [0, 1, 2, 3].map((shard) => usersOf(shard, 4, 3, 'w'));
    let writing = true;
    let pagesWhileWriting = 0;
    const writers = users.map(async (list, shard) => {
      const feed = feedShard(env, shard);
      await Promise.all(
        list.map(async (uaid) => {
          for (let k = 0; k < rounds; k++) {
            const { value } = await feed.record({
              kind: KINDS[k % KINDS.length]!,
              notificationId: `${uaid}-${k}`,
              userAuthorizationId: uaid,
              receivedAt: Date.now(),
            });
            expect(value.duplicate).toBe(false);
          }
        }),
      );
    });
    const seen: FeedEvent[] = [];
    const reader = (async () => {
      let cursor = '';
      for (;;) {
        // Taken before the page: an empty page after the writers stopped is the end.
        const stopped = !writing;
        const read = await page(cursor, 7);
        expect(read.cursor).toMatch(/^c1\.\d+\.\d+\.\d+\.\d+$/);
        expect(read.events.length).toBeLessThanOrEqual(7);
        if (!stopped && read.events.length > 0) pagesWhileWriting++;
        seen.push(...read.events);
        cursor = read.cursor;
        if (read.events.length === 0 && stopped) return cursor;
      }
    })();
    await Promise.all(writers);
    writing = false;
    const end = await reader;
    expect(pagesWhileWriting).toBeGreaterThan(1);
    const written = users
      .flat()
      .flatMap((uaid) => [...Array(rounds).keys()].map((k) => `${uaid}-${k}`));
    const ids = seen.map((e) => e.notificationId);
    expect(ids).toHaveLength(written.length);
    expect(new Set(ids)).toEqual(new Set(written));
    for (const uaid of users.flat()) {
      const mine = seen.filter((e) => e.userAuthorizationId === uaid).map((e) => e.notificationId);
      expect(mine).toEqual([...Array(rounds).keys()].map((k) => `${uaid}-${k}`));
    }
    // Caught up: the end cursor has nothing after it; from the start, all again, once.
    expect((await page(end, 1000)).events).toEqual([]);
    const again = await page('', 1000);
    expect(again.events.map((e) => e.notificationId).sort()).toEqual([...written].sort());
    // Event ids are unique across shards (a merchant drops an id it has seen):
    // shard k numbers its events from k × 2^40.
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    for (const e of seen) {
      const shard = shardOf(e.userAuthorizationId!, 4);
      expect(Math.floor(seqOfEvent(e) / SEQ_RANGE), e.id).toBe(shard);
    }
  });

  it('reads a plain cursor as shard 0 position; one shard passes its page as it is', async () => {
    const [home] = usersOf(0, 4, 1, 'p');
    const [other] = usersOf(3, 4, 1, 'p');
    for (const [uaid, shard] of [
      [home!, 0],
      [other!, 3],
    ] as const) {
      await feedShard(env, shard).record({
        kind: 'kyc',
        notificationId: `${uaid}-n`,
        userAuthorizationId: uaid,
        receivedAt: Date.now(),
      });
    }
    const single = await page('', 1000, {});
    expect(single.cursor).toMatch(/^\d+$/);
    expect(single.events.map((e) => e.userAuthorizationId)).toContain(home);
    expect(single.events.map((e) => e.userAuthorizationId)).not.toContain(other);
    // The single shard's cursor, taken to four shards: nothing of shard 0 again, shard 3 from its start.
    const grown = await page(single.cursor, 1000);
    expect(grown.events.map((e) => e.userAuthorizationId)).not.toContain(home);
    expect(grown.events.map((e) => e.userAuthorizationId)).toContain(other);
  });
});
