// recordBatch: a batch of notifications recorded in one call and one
// transaction, set-based, each item as recording it alone would.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { NotificationKind } from '../../../shared/feed';
import type { Recorded, WebhookInput } from '../../../worker/feed/event-feed';
import { forgottenHash } from '../../../worker/feed/forget-table';
import { envWith, uid } from '../support/webhooks';

/** A feed object of the test's own, so counts and budgets start from nothing. */
function freshFeed() {
  return env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
}

type Feed = ReturnType<typeof freshFeed>;

const KINDS: NotificationKind[] = ['kyc', 'risk', 'account-status'];

function item(uaid: string, receivedAt: number, notificationId = uid('evt')): WebhookInput {
  const kind = KINDS[notificationId.length % 3]!;
  return { kind, notificationId, userAuthorizationId: uaid, receivedAt, unconfirmedBudget: 1000 };
}

function rows(feed: Feed, query: string): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(feed, (_o, state) => state.storage.sql.exec(query).toArray());
}

function count(feed: Feed, table: string): Promise<number> {
  return rows(feed, `SELECT COUNT(*) AS n FROM ${table}`).then((r) => Number(r[0]!.n));
}

describe('recordBatch', () => {
  it('answers 100 items in input order: duplicates, forgotten users, one re-read a user', async () => {
    const feed = freshFeed();
    const now = Date.now();
    const earlierUsers = Array.from({ length: 5 }, () => uid('earlier'));
    const earlier = earlierUsers.map((uaid) => item(uaid, now - 1000));
    expect((await feed.recordBatch(earlier)).value.every((r) => !r.duplicate)).toBe(true);
    const [gone, leaving] = [uid('gone'), uid('leaving')];
    await runInDurableObject(feed, (_o, state) => {
      state.storage.sql.exec(
        'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
        forgottenHash(gone),
        now,
      );
    });
    expect((await feed.startForget(leaving, 'req_1', now)).value.state).toBe('started');

    const users = Array.from({ length: 20 }, () => uid('u'));
    const batch: WebhookInput[] = [];
    for (let i = 0; i < 100; i++) {
      const at = now + i;
      if (i % 10 === 0) batch.push({ ...earlier[(i / 10) % 5]!, receivedAt: at });
      else if (i % 10 === 5) batch.push({ ...batch[i - 3]!, receivedAt: at });
      else if (i % 17 === 0) batch.push(item(i % 2 ? gone : leaving, at));
      else batch.push(item(users[i % 20]!, at));
    }
    const recorded = (await feed.recordBatch(batch)).value;

    // The model: items in order, each id once, forgotten users' news dropped,
    // one re-read for each user new to the feed (the earlier ones' are leased).
    const seen = new Set(earlier.map((e) => e.notificationId));
    const rereadFor = new Set(earlierUsers);
    const expected = batch.map((input): Omit<Recorded, 'eventId'> => {
      const uaid = input.userAuthorizationId;
      if (uaid === gone || uaid === leaving)
        return { duplicate: false, dropped: true, reread: false };
      if (seen.has(input.notificationId)) return { duplicate: true, reread: false };
      seen.add(input.notificationId);
      const reread = !rereadFor.has(uaid);
      rereadFor.add(uaid);
      return { duplicate: false, reread };
    });
    expect(recorded.map(({ eventId: _, ...rest }) => rest)).toEqual(expected);
    // Of each case, what the batch holds: 10 ids recorded before, 10 repeated
    // inside, 4 items about forgotten users, 16 users new to the feed.
    expect(recorded.filter((r) => r.duplicate)).toHaveLength(20);
    expect(recorded.filter((r) => r.dropped)).toHaveLength(4);
    expect(recorded.filter((r) => r.reread)).toHaveLength(16);

    // New items' events, in input order (their seqs rise), and nothing else.
    const ids = recorded.filter((r) => r.eventId !== null).map((r) => Number(r.eventId!.slice(3)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await count(feed, 'events')).toBe(earlier.length + ids.length);
    const named = await rows(feed, 'SELECT uaid FROM events WHERE uaid IS NOT NULL');
    expect(named.map((r) => r.uaid)).not.toContain(gone);
    expect(named.map((r) => r.uaid)).not.toContain(leaving);
    // Each user's counts add up over its new items.
    const first = users[1]!;
    const [row] = await rows(
      feed,
      `SELECT kyc_count + risk_count + status_count AS n FROM users WHERE uaid = '${first}'`,
    );
    expect(row!.n).toBe(
      expected.filter(
        (e, i) => !e.duplicate && !e.dropped && batch[i]!.userAuthorizationId === first,
      ).length,
    );
  });

  it('merges and hands out re-reads as recording the items one by one does', async () => {
    const [batched, single] = [freshFeed(), freshFeed()];
    // Within one minute: a batch counts the unconfirmed budget in the minute of its first claim.
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const users = Array.from({ length: 7 }, () => uid('same'));
    // Out of order in time, users named several times, an id repeated.
    const items = Array.from({ length: 60 }, (_, i) =>
      item(users[(i * 5) % 7]!, now + ((i * 37) % 50) * 100),
    );
    items.push({ ...items[3]!, receivedAt: now + 9_000 });
    const together = (await batched.recordBatch(items)).value;
    const alone: Recorded[] = [];
    for (const input of items) alone.push((await single.record(input)).value);
    expect(together).toEqual(alone);
    const table = (feed: Feed, query: string) => rows(feed, query);
    const usersQuery = 'SELECT * FROM users ORDER BY uaid';
    expect(await table(batched, usersQuery)).toEqual(await table(single, usersQuery));
    const eventsQuery = 'SELECT * FROM events ORDER BY seq';
    expect(await table(batched, eventsQuery)).toEqual(await table(single, eventsQuery));
    expect(await table(batched, 'SELECT * FROM reread_budget')).toEqual(
      await table(single, 'SELECT * FROM reread_budget'),
    );
  });

  it('spends the unconfirmed budget once for the batch, confirmed users outside it', async () => {
    const feed = freshFeed();
    const now = Date.now();
    const confirmed = uid('confirmed');
    await runInDurableObject(feed, (_o, state) => {
      state.storage.sql.exec(
        'INSERT INTO users (uaid, updated_at, confirmed_at) VALUES (?, ?, ?)',
        confirmed,
        now,
        now,
      );
    });
    const unconfirmed = Array.from({ length: 5 }, () => uid('new'));
    const batch = [...unconfirmed, confirmed].map((uaid) => ({
      ...item(uaid, now),
      unconfirmedBudget: 2,
    }));
    const recorded = (await feed.recordBatch(batch)).value;
    expect(recorded.map((r) => r.reread)).toEqual([true, true, false, false, false, true]);
    expect(await rows(feed, 'SELECT used FROM reread_budget')).toEqual([{ used: 2 }]);
    const leased = await rows(feed, 'SELECT uaid FROM users WHERE reread_lease_until IS NOT NULL');
    expect(leased.map((r) => r.uaid).sort()).toEqual(
      [unconfirmed[0], unconfirmed[1], confirmed].sort(),
    );
  });

  it('queues each new event for forwarding while MERCHANT_WEBHOOK_URL is set', async () => {
    const feed = freshFeed();
    const secret =
      'whsec_' + btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    await runInDurableObject(feed, (instance) => {
      (instance as unknown as { env: Env }).env = envWith({
        MERCHANT_WEBHOOK_URL: 'https://merchant.test/hooks',
        MERCHANT_WEBHOOK_SECRET: secret,
      });
    });
    const batch = Array.from({ length: 10 }, () => item(uid('fw'), Date.now()));
    batch.push(batch[0]!);
    await feed.recordBatch(batch);
    const queued = await rows(feed, 'SELECT o.seq FROM outbox o JOIN events e ON e.seq = o.seq');
    expect(queued).toHaveLength(10);
  });

  it('is one transaction: an item that makes SQLite throw leaves nothing of the batch', async () => {
    const feed = freshFeed();
    await runInDurableObject(feed, (_o, state) => {
      // A user's row that cannot be written: the merge, after the events' insert, fails.
      state.storage.sql.exec(
        `CREATE TRIGGER refuse BEFORE INSERT ON users WHEN NEW.uaid = 'refused'
         BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    });
    const batch = Array.from({ length: 99 }, () => item(uid('ok'), Date.now()));
    batch.splice(50, 0, item('refused', Date.now()));
    // Awaited through then(): an RPC promise handed to `rejects` is also reported unhandled.
    const error = await feed.recordBatch(batch).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/refused/);
    expect(await count(feed, 'events')).toBe(0);
    expect(await count(feed, 'users')).toBe(0);
    // The same batch without it is recorded whole.
    batch.splice(50, 1);
    expect((await feed.recordBatch(batch)).value.every((r) => r.eventId !== null)).toBe(true);
    expect(await count(feed, 'events')).toBe(99);
  });
});
