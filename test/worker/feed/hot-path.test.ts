// The feed object's hot paths, kept cheap: what recording a notification costs
// in statements, that the one-statement merge equals the three it replaced, the
// KV copy in batches, and a feed page as the JSON it answers.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeedPage } from '../../../shared/feed';
import type { NotificationKind } from '../../../shared/feed';
import { eventOf } from '../../../worker/feed/format';
import { eventsAfter as rowsAfter } from '../../../worker/feed/events-table';
import { forgottenHash } from '../../../worker/feed/forget-table';
import { markCopied } from '../../../worker/feed/kv-copy-table';
import { FEED_TIMING as T } from '../../../worker/feed/timing';
import { mergeBatch } from '../../../worker/feed/users-table';
import { kvKeys } from '../../../worker/feed/kv-keys';
import { bearer, call, eventBody, feed, postWebhook, settle, uid } from '../support/webhooks';

/** Runs `work` in the feed object, counting the SQL statements it executes. */
function counting<R>(work: (instance: unknown, sql: SqlStorage) => Promise<R> | R) {
  return runInDurableObject(feed(), async (instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec;
    const queries: string[] = [];
    sql.exec = ((query: string, ...binds: unknown[]) => {
      queries.push(query.replace(/\s+/g, ' ').trim());
      return exec.call(sql, query, ...binds);
    }) as SqlStorage['exec'];
    try {
      return { result: await work(instance, sql), queries };
    } finally {
      sql.exec = exec;
    }
  });
}

/** The merge as three statements, as it was before it became one: the reference. */
function mergeInThree(
  sql: SqlStorage,
  uaid: string,
  column: string,
  at: number,
  source: string,
  now: number,
): void {
  const c = column;
  sql.exec('INSERT INTO users (uaid, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING', uaid, now);
  sql.exec(
    `UPDATE users SET
       ${c}_source = CASE WHEN ${c}_at IS NULL OR ? >= ${c}_at THEN ? ELSE ${c}_source END,
       ${c}_at = MAX(COALESCE(${c}_at, ?), ?), ${c}_count = ${c}_count + 1,
       version = version + 1, updated_at = ? WHERE uaid = ?`,
    at,
    source,
    at,
    at,
    now,
    uaid,
  );
  sql.exec(
    `UPDATE users SET hinted_at = ?,
       reread_due_at = COALESCE(reread_due_at, MAX(?, COALESCE(reread_started_at, 0) + ?)),
       version = version + 1 WHERE uaid = ?`,
    now,
    now,
    T.rereadMinIntervalMs,
    uaid,
  );
}

const COLUMN: Record<NotificationKind, string> = {
  kyc: 'kyc',
  risk: 'risk',
  'account-status': 'status',
};

describe('recording a notification', () => {
  // The object's first call reads (and records) its shard count, once: not part of a record.
  beforeAll(async () => {
    const state = await feed().shardState();
    expect(state.value).toEqual({ recorded: null, configured: 1, refused: false });
    await feed().page(0, 1);
    expect((await feed().shardState()).value.recorded).toBe(1);
  });

  it('takes one statement each for the forget check, the event and the merge', async () => {
    const uaid = uid('hot');
    // A user PayPay confirmed, read a moment ago: nothing to claim, no budget to look up.
    await runInDurableObject(feed(), (_instance, state) => {
      const now = Date.now();
      state.storage.sql.exec(
        `INSERT INTO users (uaid, updated_at, confirmed_at, reread_started_at) VALUES (?, ?, ?, ?)`,
        uaid,
        now,
        now,
        now,
      );
    });
    const { result, queries } = await counting((instance) =>
      (instance as ReturnType<typeof feed>).record({
        kind: 'kyc',
        notificationId: uid('evt'),
        userAuthorizationId: uaid,
        receivedAt: Date.now(),
      }),
    );
    expect(result.value).toMatchObject({ duplicate: false, reread: false });
    expect(queries.map((q) => q.split(' ').slice(0, 3).join(' '))).toEqual([
      'SELECT (SELECT json_group_array(uaid)',
      'INSERT INTO events',
      'INSERT INTO users',
    ]);
  });

  it('hashes the id only when a forgotten id is held, and then still drops its news', async () => {
    const forgottenId = uid('gone');
    await runInDurableObject(feed(), (_instance, state) => {
      state.storage.sql.exec(
        'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
        forgottenHash(forgottenId),
        Date.now(),
      );
    });
    const record = (uaid: string) =>
      counting((instance) =>
        (instance as ReturnType<typeof feed>).record({
          kind: 'kyc',
          notificationId: uid('evt'),
          userAuthorizationId: uaid,
          receivedAt: Date.now(),
        }),
      );
    const dropped = await record(forgottenId);
    expect(dropped.result.value).toMatchObject({ dropped: true, eventId: null });
    expect(dropped.queries.map((q) => q.split(' ').slice(0, 4).join(' '))).toEqual([
      'SELECT (SELECT json_group_array(uaid) FROM',
      'SELECT id_hash FROM forgotten',
    ]);
    const kept = await record(uid('other'));
    expect(kept.result.value).toMatchObject({ duplicate: false });
    expect(kept.result.value.eventId).toMatch(/^ev_/);
    expect(kept.queries[1]).toMatch(/^SELECT id_hash FROM forgotten WHERE id_hash IN /);
    // The object's storage lasts the file: the tests after this one count statements without it.
    await runInDurableObject(feed(), (_instance, state) => {
      state.storage.sql.exec('DELETE FROM forgotten WHERE id_hash = ?', forgottenHash(forgottenId));
    });
  });

  it('claims a due re-read of a new user within the budget, as before', async () => {
    const { result, queries } = await counting((instance) =>
      (instance as ReturnType<typeof feed>).record({
        kind: 'risk',
        notificationId: uid('evt'),
        userAuthorizationId: uid('new'),
        receivedAt: Date.now(),
        unconfirmedBudget: 1_000_000,
      }),
    );
    expect(result.value).toMatchObject({ duplicate: false, reread: true });
    // The forget check, the event, the merge, the budget, the claim, the spend.
    expect(queries).toHaveLength(6);
  });
});

describe('mergeBatch', () => {
  it('leaves every column as the three statements it replaced, in any order of times', async () => {
    await runInDurableObject(feed(), (_instance, state) => {
      const sql = state.storage.sql;
      const one = uid('one');
      const three = uid('three');
      const base = Date.now();
      const steps: [NotificationKind, number, 'webhook' | 'recon', number][] = [
        ['kyc', base, 'webhook', base],
        ['kyc', base - 5000, 'recon', base + 10],
        ['risk', base + 20, 'webhook', base + 20],
        ['kyc', base + 30, 'webhook', base + 30],
        ['account-status', base - 1, 'recon', base + 40],
      ];
      for (const [kind, at, source, now] of steps) {
        const merged = mergeBatch(sql, [{ uaid: one, kind, at, source, now }]).get(one);
        mergeInThree(sql, three, COLUMN[kind], at, source, now);
        const row = sql
          .exec(
            'SELECT confirmed_at, reread_due_at, reread_lease_until FROM users WHERE uaid = ?',
            one,
          )
          .one();
        expect(merged).toEqual(row);
        // A re-read started and answered: the throttle then decides the next due time.
        if (now === base + 20) {
          for (const uaid of [one, three]) {
            sql.exec(
              'UPDATE users SET reread_due_at = NULL, reread_started_at = ? WHERE uaid = ?',
              now,
              uaid,
            );
          }
        }
      }
      const rowOf = (uaid: string) => {
        const row = sql
          .exec<Record<string, SqlStorageValue>>('SELECT * FROM users WHERE uaid = ?', uaid)
          .one();
        return { ...row, uaid: null };
      };
      expect(rowOf(one)).toEqual(rowOf(three));
      expect(rowOf(one)).toMatchObject({
        kyc_count: 3,
        kyc_source: 'webhook',
        status_source: 'recon',
      });
    });
  });
});

describe('the copy to KV', () => {
  it('marks a batch copied in one statement, never lowering a version', async () => {
    await runInDurableObject(feed(), (_instance, state) => {
      const sql = state.storage.sql;
      const [a, b] = [uid('a'), uid('b')];
      mergeBatch(sql, [
        { uaid: a, kind: 'kyc', at: 1, source: 'webhook', now: 1 },
        { uaid: b, kind: 'kyc', at: 1, source: 'webhook', now: 1 },
      ]);
      sql.exec('UPDATE users SET kv_version = 7 WHERE uaid = ?', b);
      markCopied(
        sql,
        [
          { uaid: a, version: 2 },
          { uaid: b, version: 2 },
        ],
        1234,
      );
      const rows = sql
        .exec<{ uaid: string; kv_version: number; kv_written_at: number }>(
          'SELECT uaid, kv_version, kv_written_at FROM users WHERE uaid IN (?, ?) ORDER BY uaid = ?',
          a,
          b,
          b,
        )
        .toArray();
      expect(rows).toEqual([
        { uaid: a, kv_version: 2, kv_written_at: 1234 },
        { uaid: b, kv_version: 7, kv_written_at: 1234 },
      ]);
    });
  });

  it('copies more users than one batch holds, each once, in batches', async () => {
    const users = Array.from({ length: T.flushBatch * 2 + 5 }, () => uid('many'));
    for (const uaid of users) {
      expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    }
    await settle();
    for (const uaid of users) {
      const state = await env.KYC_KV.get<{ kyc: { count: number } }>(kvKeys.user(uaid), 'json');
      expect(state?.kyc.count).toBe(1);
    }
  });
});

describe('a feed page', () => {
  it('is the JSON of its rows as eventOf makes them, passed through by the route', async () => {
    const uaid = uid('page');
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    const response = await call('/v1/events?after=0&limit=1000', { headers: bearer });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    const page = await response.json<FeedPage>();
    const rows = await runInDurableObject(feed(), (_instance, state) =>
      rowsAfter(state.storage.sql, 0, 1000),
    );
    expect(page).toEqual({ events: rows.map(eventOf), cursor: String(rows.at(-1)?.seq) });
  });
});
