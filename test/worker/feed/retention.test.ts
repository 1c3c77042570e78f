import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { kvKeys } from '../../../worker/feed/kv-keys';
import { FEED_TIMING } from '../../../worker/feed/timing';
import { setFeedSettings } from '../support/feed-settings';
import { sandboxAdmin } from '../support/sandbox';
import { eventBody, feed, postWebhook, reconBody, settle, uid } from '../support/webhooks';

const DAY = 86_400_000;

/** Runs SQL in the feed object. */
function sql<T extends Record<string, SqlStorageValue>>(
  query: string,
  ...bindings: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql.exec<T>(query, ...bindings).toArray(),
  );
}

/** `n` events of type `marker` that occurred at `at`, inserted straight into the table. */
async function oldEvents(marker: string, n: number, at: number): Promise<void> {
  await sql(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
     INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id)
     SELECT 'kyc.updated', 'kyc', ?, ?, 'webhook', ? || i FROM k`,
    n,
    marker,
    at,
    `${marker}-`,
  );
}

async function countOf(marker: string): Promise<number> {
  const [row] = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE uaid = ?', marker);
  return row?.n ?? 0;
}

describe('FEED_RETENTION_DAYS', () => {
  afterEach(() => setFeedSettings({}));

  it('keeps events 30 days by default, trimming older ones 10,000 a run, their outbox rows with them', async () => {
    const now = Date.now();
    const [old, recent] = [uid('old'), uid('recent')];
    await oldEvents(old, 12_000, now - 31 * DAY);
    await oldEvents(recent, 10, now - 29 * DAY);
    const [{ seq } = { seq: 0 }] = await sql<{ seq: number }>(
      'SELECT MIN(seq) AS seq FROM events WHERE uaid = ?',
      old,
    );
    await sql("INSERT INTO outbox (seq, next_attempt_at, state) VALUES (?, ?, 'failed')", seq, now);

    await feed().prune(now);
    const perRun = FEED_TIMING.pruneChunk * FEED_TIMING.pruneChunks;
    expect(perRun).toBe(10_000);
    expect(await countOf(old)).toBe(12_000 - perRun);
    expect(await countOf(recent)).toBe(10);
    expect(await sql('SELECT 1 FROM outbox WHERE seq = ?', seq)).toEqual([]);
    // The next run takes the rest.
    await feed().prune(now);
    expect(await countOf(old)).toBe(0);
    expect(await countOf(recent)).toBe(10);
  });

  it('follows the setting', async () => {
    const now = Date.now();
    const [ten, twelve] = [uid('ten'), uid('twelve')];
    await oldEvents(ten, 3, now - 9 * DAY);
    await oldEvents(twelve, 3, now - 12 * DAY);
    await setFeedSettings({ FEED_RETENTION_DAYS: '10' });
    await feed().prune(now);
    expect(await countOf(ten)).toBe(3);
    expect(await countOf(twelve)).toBe(0);
  });

  it('keeps the hash of a forgotten id 90 days, whatever the feed keeps', async () => {
    const now = Date.now();
    const [kept, gone] = [uid('hash'), uid('hash')];
    await sql(
      'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?), (?, ?)',
      kept,
      now - 60 * DAY,
      gone,
      now - 91 * DAY,
    );
    await feed().prune(now);
    const left = await sql<{ id_hash: string }>(
      'SELECT id_hash FROM forgotten WHERE id_hash IN (?, ?)',
      kept,
      gone,
    );
    expect(left).toEqual([{ id_hash: kept }]);
  });
});

describe('bounded growth per user', () => {
  it('keeps one users row and one KV key per user, however many events name them', async () => {
    const users = Array.from({ length: 20 }, () => uid('one'));
    for (let round = 0; round < 3; round++) {
      for (const kind of ['kyc', 'risk', 'account-status'] as const) {
        await Promise.all(users.map((u) => postWebhook(kind, eventBody(kind, u))));
      }
    }
    for (const fileType of ['kyc_passport_sync_recon', 'kyc_passport_risk_sync_recon']) {
      const file = await sandboxAdmin('POST', '/recon', {
        fileType,
        userAuthorizationIds: [...users, ...users],
        notify: false,
      });
      const { path } = await file.json<{ path: string }>();
      expect((await postWebhook('recon', reconBody(path, { fileType }))).status).toBe(200);
    }
    await settle();
    const [events] = await sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM events WHERE uaid IN (SELECT value FROM json_each(?))`,
      JSON.stringify(users),
    );
    expect(events?.n).toBeGreaterThanOrEqual(users.length * 9);
    const rows = await sql<{ uaid: string; n: number }>(
      `SELECT uaid, COUNT(*) AS n FROM users WHERE uaid IN (SELECT value FROM json_each(?))
       GROUP BY uaid`,
      JSON.stringify(users),
    );
    expect(rows).toHaveLength(users.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const keys = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await env.KYC_KV.list({ prefix: 'v1:user:', ...(cursor ? { cursor } : {}) });
      for (const key of page.keys) keys.add(key.name);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const ours = users.map((u) => kvKeys.user(u));
    expect(ours.filter((k) => keys.has(k))).toHaveLength(users.length);
    expect([...keys].filter((k) => users.some((u) => k.endsWith(u)))).toEqual(
      expect.arrayContaining(ours),
    );
    expect([...keys].filter((k) => users.some((u) => k.endsWith(u)))).toHaveLength(users.length);
  });
});
