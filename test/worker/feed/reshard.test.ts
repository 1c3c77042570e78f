import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../../shared/feed';
import { feedShard, shardOf } from '../../../worker/feed/stub';
import { expectError } from '../support/flow';
import { bearer, call, envWith, uid } from '../support/webhooks';

// Issue 22: FEED_SHARDS grows with `POST /v1/feed/reshard` (the CLI's
// `paypay-kyc feed reshard`), and a feed refusing a changed FEED_SHARDS (its
// guard) is a clean 503, never a 500.

const TWO = { FEED_SHARDS: '2' };

function reshard(body: unknown, overrides: Record<string, unknown> = TWO, headers = bearer) {
  return call(
    '/v1/feed/reshard',
    {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    overrides,
  );
}

/** A feed namespace whose objects all throw `message`: what a Worker sees of a refusing shard. */
function refusingFeed(message: string) {
  const refuse = async () => {
    throw new Error(message);
  };
  const stub = new Proxy({}, { get: (_target, name) => (name === 'then' ? undefined : refuse) });
  return { idFromName: (name: string) => env.EVENT_FEED.idFromName(name), get: () => stub };
}

/** The objects' own FEED_SHARDS, as a deployment of that value gives them. */
async function deployShards(value: string, shards: number[]): Promise<void> {
  for (const shard of shards) {
    await runInDurableObject(feedShard(env, shard), (instance) => {
      (instance as unknown as { env: Env }).env = envWith({ FEED_SHARDS: value });
    });
  }
}

async function healthFeedProblem() {
  const response = await call('/healthz', {});
  const body = await response.json<{ invalid: { setting: string; reason: string }[] }>();
  return {
    status: response.status,
    problem: body.invalid.find((p) => p.setting === 'FEED_SHARDS'),
  };
}

describe('a feed refusing a changed FEED_SHARDS', () => {
  it('answers 503 FEED_SHARDS_CHANGED naming the reshard command, on every feed route', async () => {
    const feed = refusingFeed('FEED_SHARDS_CHANGED');
    for (const overrides of [{ EVENT_FEED: feed }, { EVENT_FEED: feed, ...TWO }]) {
      const response = await call('/v1/events', { headers: bearer }, overrides);
      const text = await response.clone().text();
      await expectError(response, 503, 'FEED_SHARDS_CHANGED');
      expect(text).toContain('paypay-kyc feed reshard');
    }
    const forget = await call(
      `/v1/users/${uid('f')}`,
      { method: 'DELETE', headers: bearer },
      {
        EVENT_FEED: feed,
      },
    );
    await expectError(forget, 503, 'FEED_SHARDS_CHANGED');
    // Any other failure of the object stays what it was: a 500 naming nothing.
    const other = await call('/v1/events', { headers: bearer }, { EVENT_FEED: refusingFeed('x') });
    await expectError(other, 500, 'INTERNAL_ERROR');
  });

  it("is a problem in /healthz's details while the home shard refuses", async () => {
    expect((await healthFeedProblem()).problem).toBeUndefined();
    await feedShard(env, 0).setShards(3);
    const refused = await healthFeedProblem();
    expect(refused.status).toBe(503);
    expect(refused.problem?.reason).toContain('paypay-kyc feed reshard --from 3 --to 1');
    await feedShard(env, 0).setShards(1);
    expect(await healthFeedProblem()).toEqual({ status: 200, problem: undefined });
  });
});

describe('POST /v1/feed/reshard', () => {
  it('refuses what is not a growth to FEED_SHARDS as configured, each with 4xx', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'INVALID_FIELD'],
      [[1, 2], 400, 'INVALID_FIELD'],
      ['null', 400, 'INVALID_FIELD'],
      ['{"from":', 400, 'INVALID_JSON'],
      [{ from: 1, to: 2, force: true }, 400, 'UNKNOWN_FIELD'],
      [{ from: '1', to: 2 }, 400, 'INVALID_FIELD'],
      [{ from: 1.5, to: 2 }, 400, 'INVALID_FIELD'],
      [{ from: 0, to: 2 }, 400, 'INVALID_FIELD'],
      [{ from: 1, to: 65 }, 400, 'INVALID_FIELD'],
      [{ from: 2, to: 2 }, 400, 'INVALID_FIELD'],
      [{ from: 1, to: 3 }, 400, 'INVALID_FIELD'],
    ];
    for (const [body, status, code] of cases) await expectError(await reshard(body), status, code);
    const shrink = await reshard({ from: 2, to: 1 }, { FEED_SHARDS: '1' });
    const text = await shrink.clone().text();
    await expectError(shrink, 400, 'INVALID_FIELD');
    expect(text).toContain('cannot shrink');
    expect(text).toContain('could no longer be read');
    await expectError(
      await reshard({ from: 1, to: 2 }, TWO, {} as typeof bearer),
      401,
      'UNAUTHORIZED',
    );
    await expectError(
      await call('/v1/feed/reshard', { headers: bearer }),
      405,
      'METHOD_NOT_ALLOWED',
    );
    const wrongType = await call(
      '/v1/feed/reshard',
      { method: 'POST', headers: { ...bearer, 'Content-Type': 'text/plain' }, body: '{}' },
      TWO,
    );
    await expectError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(
      await reshard({ from: 1, to: 2 }, { FEED_SHARDS: 'x' }),
      503,
      'CONFIG_FEED_SHARDS',
    );
  });

  it('refuses a from other than the shards the feed holds data for', async () => {
    await feedShard(env, 0).setShards(3);
    const response = await reshard({ from: 1, to: 4 }, { FEED_SHARDS: '4' });
    const text = await response.clone().text();
    await expectError(response, 400, 'INVALID_FIELD');
    expect(text).toContain('(3)');
    await feedShard(env, 0).setShards(1);
  });

  it('moves each user to its new shard; old events are read once, new ones too', async () => {
    const home = feedShard(env, 0);
    const now = Date.now();
    const users = Array.from({ length: 40 }, () => uid('m'));
    for (const [i, uaid] of users.entries()) {
      await home.verified({
        userAuthorizationId: uaid,
        sessionObjectId: `obj-${i}`,
        referenceId: null,
        referenceIdMode: null,
        kycUntil: now + 600_000,
        now,
      });
      const input = { kind: 'kyc' as const, userAuthorizationId: uaid, receivedAt: now };
      await home.record({ ...input, notificationId: `${uaid}-old` });
    }
    const moving = users.filter((uaid) => shardOf(uaid, 2) === 1);
    expect(moving.length).toBeGreaterThan(5);
    // FEED_SHARDS=2 deployed: the objects' settings say so too.
    await deployShards('2', [0, 1]);
    let moved = 0;
    for (let step = 0; ; step++) {
      expect(step).toBeLessThan(10);
      const response = await reshard({ from: 1, to: 2 });
      expect(response.status).toBe(200);
      const answer = await response.json<{ moved: number; remaining: boolean }>();
      moved += answer.moved;
      if (!answer.remaining) break;
    }
    expect(moved).toBe(moving.length);
    for (const shard of [0, 1]) {
      const held = await runInDurableObject(feedShard(env, shard), (_object, state) => ({
        users: state.storage.sql
          .exec<{ uaid: string }>('SELECT uaid FROM users ORDER BY uaid')
          .toArray()
          .map((row) => row.uaid),
        sessions: state.storage.sql
          .exec<{ uaid: string }>('SELECT DISTINCT uaid FROM user_sessions ORDER BY uaid')
          .toArray()
          .map((row) => row.uaid),
      }));
      const mine = users.filter((uaid) => shardOf(uaid, 2) === shard).sort();
      expect(held, `shard ${shard}`).toEqual({ users: mine, sessions: mine });
      expect((await feedShard(env, shard).shardState()).value).toEqual({
        recorded: 2,
        configured: 2,
        refused: false,
      });
    }
    // Done: another call has nothing to move.
    expect(await (await reshard({ from: 1, to: 2 })).json()).toEqual({
      moved: 0,
      remaining: false,
    });
    for (const uaid of users) {
      await feedShard(env, shardOf(uaid, 2)).record({
        kind: 'risk',
        notificationId: `${uaid}-new`,
        userAuthorizationId: uaid,
        receivedAt: Date.now(),
      });
    }
    const seen: FeedEvent[] = [];
    for (let cursor = ''; ;) {
      const query = new URLSearchParams({ limit: '15', ...(cursor ? { after: cursor } : {}) });
      const page = await (
        await call(`/v1/events?${query}`, { headers: bearer }, TWO)
      ).json<{
        events: FeedEvent[];
        cursor: string;
      }>();
      if (page.events.length === 0) break;
      seen.push(...page.events);
      cursor = page.cursor;
    }
    const ids = seen.map((e) => e.notificationId).filter((id) => id !== undefined);
    const expected = users.flatMap((uaid) => [`${uaid}-old`, `${uaid}-new`]);
    expect(ids.sort()).toEqual(expected.sort());
    for (const uaid of users) {
      const mine = seen.filter((e) => e.userAuthorizationId === uaid).map((e) => e.notificationId);
      expect(mine).toEqual([`${uaid}-old`, `${uaid}-new`]);
    }
    await deployShards('1', [0, 1]);
  });
});
