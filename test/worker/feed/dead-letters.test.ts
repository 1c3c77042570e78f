// The ingest queue's dead letters, parked on the home shard.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedPage } from '../../../shared/feed';
import { uid } from '../support/webhooks';

function freshFeed() {
  return env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
}

const letter = (id: string, attempts = 10) => ({
  id,
  body: JSON.stringify({ kind: 'kyc', notificationId: uid('n'), userAuthorizationId: uid('u') }),
  attempts,
});

describe('dead letters', () => {
  it('parks new ids once, with one ingest.dead_lettered event a batch, and no user', async () => {
    const feed = freshFeed();
    const [a, b, c] = [letter(uid('m')), letter(uid('m')), letter(uid('m'), 11)];
    expect((await feed.parkDeadLetters([a, b, a], 1000)).value).toEqual({ parked: 2 });
    // A dead-letter batch delivered again parks what is new only, and says so once.
    expect((await feed.parkDeadLetters([a, b], 2000)).value).toEqual({ parked: 0 });
    expect((await feed.parkDeadLetters([b, c], 3000)).value).toEqual({ parked: 1 });
    expect((await feed.deadLetterCount()).value).toBe(3);

    const page = JSON.parse((await feed.page(0, 100)).value) as FeedPage;
    expect(page.events.map(({ id: _, ...event }: FeedEvent) => event)).toEqual([
      {
        type: 'ingest.dead_lettered',
        occurredAt: new Date(1000).toISOString(),
        source: 'webhook',
        count: 2,
      },
      {
        type: 'ingest.dead_lettered',
        occurredAt: new Date(3000).toISOString(),
        source: 'webhook',
        count: 1,
      },
    ]);

    const parked = (await feed.deadLetters(10)).value;
    expect(parked).toEqual(
      [
        { ...a, parkedAt: 1000 },
        { ...b, parkedAt: 1000 },
        { ...c, parkedAt: 3000 },
      ].sort((x, y) => x.parkedAt - y.parkedAt || (x.id < y.id ? -1 : 1)),
    );
    expect((await feed.deadLetters(1)).value).toHaveLength(1);

    expect((await feed.removeDeadLetters([a.id, c.id, uid('never')])).value).toBe(2);
    expect((await feed.deadLetterCount()).value).toBe(1);
    expect((await feed.deadLetters(10)).value.map((l) => l.id)).toEqual([b.id]);
    expect((await feed.removeDeadLetters([])).value).toBe(0);
  });
});

describe('latestVerified', () => {
  it('names the user verified last, and when; null before any', async () => {
    const feed = freshFeed();
    expect((await feed.latestVerified()).value).toBeNull();
    expect((await feed.latestVerifiedUser()).value).toBeNull();
    const verify = (uaid: string, now: number) =>
      feed.verified({
        userAuthorizationId: uaid,
        sessionObjectId: env.SESSIONS.newUniqueId().toString(),
        referenceId: null,
        referenceIdMode: null,
        kycUntil: now + 60_000,
        now,
      });
    const [first, last] = [uid('first'), uid('last')];
    await verify(first, 1000);
    await verify(last, 2000);
    expect((await feed.latestVerified()).value).toEqual({
      userAuthorizationId: last,
      verifiedAt: 2000,
    });
    expect((await feed.latestVerifiedUser()).value).toBe(last);
    // A user being forgotten is no longer the doctor's to read.
    await feed.startForget(last, 'req_1', 3000);
    expect((await feed.latestVerified()).value).toEqual({
      userAuthorizationId: first,
      verifiedAt: 1000,
    });
  });
});
