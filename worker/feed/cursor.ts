import type { FeedEvent, FeedPage } from '../../shared/feed';

/**
 * The cursor of `GET /v1/events` across feed shards, and the merge of their
 * pages. With one shard the cursor is the plain `seq` of the object's last
 * event, as before sharding; with more it is composite, `c1.<seq0>.<seq1>...`,
 * one position per shard in shard order (`c1`: the first layout, so another
 * can follow). Merchants treat it as opaque; it is parsed only here.
 */

const POSITION = /^(0|[1-9]\d{0,14})$/;
const COMPOSITE = 'c1.';

/**
 * Events a page reads from all shards together, at most: with up to 4 shards
 * each is asked for `limit`; with more, each for its share, so a page of 1,000
 * over 64 shards parses 4,000 events, not 64,000 (a Worker has 128 MB). A
 * shard with more than its share gives the rest on the next page.
 */
export const PAGE_READ_MAX = 4_000;

/** What a page asks of each of `shards` shards for a page of `limit`. */
export function shardLimit(limit: number, shards: number): number {
  return Math.min(limit, Math.ceil(PAGE_READ_MAX / shards));
}

/**
 * Each shard's position in `after`, or null when `after` is not a cursor of a
 * feed of `shards` shards. Empty is the start; a plain number is shard 0's
 * position (what a feed of one shard answered), the other shards at their
 * start; a composite cursor may hold fewer positions than there are shards
 * (one answered before the feed grew: the new shards' events all come after
 * it) but never more (a shard it names would not be read).
 */
export function positionsOf(after: string, shards: number): number[] | null {
  const positions = new Array<number>(shards).fill(0);
  if (after === '') return positions;
  if (POSITION.test(after)) {
    positions[0] = Number(after);
    return positions;
  }
  if (!after.startsWith(COMPOSITE)) return null;
  const parts = after.slice(COMPOSITE.length).split('.');
  if (parts.length > shards || !parts.every((part) => POSITION.test(part))) return null;
  parts.forEach((part, i) => (positions[i] = Number(part)));
  return positions;
}

/** The composite cursor of these positions. */
export function cursorOf(positions: readonly number[]): string {
  return `${COMPOSITE}${positions.join('.')}`;
}

/**
 * The `seq` of an event the feed object made (`eventOf` in format.ts): the
 * position just past it in its shard. `ev_<seq>`: each shard numbers from its
 * own range (seq-range.ts), so ids differ across shards.
 * test/worker/feed/shards.test.ts checks it reads back `eventId`.
 */
export function seqOfEvent(event: FeedEvent): number {
  const match = /^ev_(\d+)$/.exec(event.id);
  if (match === null) throw new Error('a feed event id without its seq');
  return Number(match[1]);
}

/**
 * One page across shards: `pages[i]` is shard i's page after `positions[i]`
 * (oldest first, up to `shardLimit` events). Merged as sorted streams by
 * (occurredAt, shard, seq): the earliest head is taken next, ties to the lower
 * shard, and each shard's events stay in their own order, so a user's events
 * (one shard) stay in order. The first `limit` are returned, and each
 * shard's position moves only past what was returned: the rest come on a
 * later page, and nothing is returned twice.
 */
export function mergePages(
  pages: readonly FeedPage[],
  positions: readonly number[],
  limit: number,
): FeedPage {
  const taken = pages.map(() => 0);
  const events: FeedEvent[] = [];
  while (events.length < limit) {
    let next = -1;
    for (let i = 0; i < pages.length; i++) {
      const head = pages[i]!.events[taken[i]!];
      if (head === undefined) continue;
      // ISO 8601 in UTC with milliseconds (format.ts): ordered as text.
      if (next === -1 || head.occurredAt < pages[next]!.events[taken[next]!]!.occurredAt) next = i;
    }
    if (next === -1) break;
    events.push(pages[next]!.events[taken[next]!]!);
    taken[next]!++;
  }
  const moved = positions.map((position, i) => {
    const count = taken[i]!;
    return count === 0 ? position : seqOfEvent(pages[i]!.events[count - 1]!);
  });
  return { events, cursor: cursorOf(moved) };
}
