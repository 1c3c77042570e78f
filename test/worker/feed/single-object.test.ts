// The must-show: a deployed single feed object (schema v5, holding
// data) becomes shard 0 of a sharded feed with nothing lost.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, FeedPage } from '../../../shared/feed';
import { forgottenHash } from '../../../worker/feed/forget-table';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../../worker/feed/migrations';
import { getUserState } from '../../../worker/feed/user-state';
import { blank } from './blank';
import { uid } from '../support/webhooks';

/** The tables a v5 object holds, each counted before and after. */
const TABLES = [
  'events',
  'users',
  'recon_files',
  'outbox',
  'user_sessions',
  'forgotten',
  'reread_budget',
];

type Stub = DurableObjectStub<import('../../../worker/feed/event-feed').EventFeed>;

/** Rows as a deployed v5 object holds them: what webhooks, recon, re-reads and forgets left. */
function deployedRows(sql: SqlStorage, ids: Record<'hinted' | 'listed' | 'verified', string>) {
  const day = Date.parse('2026-08-01T00:00:00Z');
  const run = (query: string, ...binds: SqlStorageValue[]) => sql.exec(query, ...binds);
  run(
    `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id)
     VALUES ('kyc.updated', 'kyc', ?, ?, 'webhook', 'evt-deployed-1')`,
    ids.hinted,
    day,
  );
  run(
    `INSERT INTO events (type, kind, uaid, occurred_at, source, dedupe_key, data)
     VALUES ('recon.missed', 'kyc', ?, ?, 'recon', ?, ?)`,
    ids.listed,
    day + 1000,
    `miss:kyc:2026-08-01:2026-08-01:${ids.listed}`,
    JSON.stringify({
      kind: 'kyc',
      fileType: 'kyc_passport_sync_recon',
      period: { from: '2026-08-01', to: '2026-08-01' },
    }),
  );
  run(
    `INSERT INTO events (type, uaid, occurred_at, source, data)
     VALUES ('standing.changed', ?, ?, 'paypay', ?)`,
    ids.hinted,
    day + 2000,
    JSON.stringify({ standing: 'KYC_UPDATE_REQUIRED', previousStanding: 'OK' }),
  );
  run(
    `INSERT INTO events (type, occurred_at, source, data)
     VALUES ('user.forgotten', ?, 'merchant', '{"requestId":"req_0123456789abcdef01234567"}')`,
    day + 3000,
  );
  run(
    `INSERT INTO users (uaid, kyc_at, kyc_source, kyc_count, standing, standing_checked_at,
       standing_changed_at, confirmed_at, hinted_at, updated_at, version, kv_version)
     VALUES (?, ?, 'webhook', 1, 'KYC_UPDATE_REQUIRED', ?, ?, ?, ?, ?, 5, 0)`,
    ids.hinted,
    day,
    day + 2000,
    day + 2000,
    day + 2000,
    day,
    day + 2000,
  );
  run(
    `INSERT INTO users (uaid, kyc_at, kyc_source, kyc_count, confirmed_at, hinted_at,
       reread_due_at, updated_at, version, kv_version)
     VALUES (?, ?, 'recon', 1, ?, ?, ?, ?, 2, 0)`,
    ids.listed,
    day + 86_399_999,
    day + 1000,
    day + 1000,
    day + 1000,
    day + 1000,
  );
  run(
    `INSERT INTO users (uaid, verified_at, reference_id, reference_id_mode, auth_status,
       auth_scopes, auth_expires_at, auth_checked_at, auth_notice, confirmed_at, updated_at,
       version, kv_version)
     VALUES (?, ?, 'order-1', 'merchant', 'ACTIVE', '["kyc_passport"]', ?, ?, 'expiring', ?, ?,
       3, 0)`,
    ids.verified,
    day,
    day + 90 * 86_400_000,
    day,
    day,
    day,
  );
  run(
    'INSERT INTO user_sessions (uaid, object_id, until) VALUES (?, ?, ?)',
    ids.verified,
    'a'.repeat(64),
    Date.now() + 86_400_000,
  );
  run('INSERT INTO outbox (seq, next_attempt_at) VALUES (1, ?)', day);
  run(
    `INSERT INTO recon_files (notification_id, file_type, path, requested_at, period_from,
       period_to, received_at, state, next_attempt_at, processed, missed, finished_at)
     VALUES ('file-deployed', 'kyc_passport_sync_recon', 'https://sandbox.test/f.csv', ?,
       '2026-08-01', '2026-08-01', ?, 'done', ?, 2, 1, ?)`,
    day,
    day,
    day,
    day + 5000,
  );
  run('INSERT INTO reread_budget (id, window_start, used) VALUES (1, ?, 3)', day);
}

function counts(sql: SqlStorage): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((t) => [t, sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n]),
  );
}

describe('a deployed single feed object', () => {
  it('becomes shard 0 at the latest schema with every row kept and readable', async () => {
    const stub: Stub = env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
    const ids = { hinted: uid('hinted'), listed: uid('listed'), verified: uid('verified') };
    const forgottenId = uid('forgotten');
    const before = await runInDurableObject(stub, (_o, state) => {
      blank(state.storage);
      const v5 = MIGRATIONS.filter((m) => m.version <= 5);
      expect(migrate(state.storage, v5)).toEqual([1, 2, 3, 4, 5]);
      deployedRows(state.storage.sql, ids);
      state.storage.sql.exec(
        'INSERT INTO forgotten (id_hash, forgotten_at) VALUES (?, ?)',
        forgottenHash(forgottenId),
        Date.now(),
      );
      return {
        counts: counts(state.storage.sql),
        users: state.storage.sql.exec('SELECT * FROM users ORDER BY uaid').toArray(),
      };
    });
    expect(Object.values(before.counts).every((n) => n > 0)).toBe(true);

    // The new code starts: its constructor migrates (the instance here holds no
    // schema of its own, and has answered no call yet, so it is as new).
    const after = await runInDurableObject(stub, (_o, state) => {
      expect(migrate(state.storage)).toEqual([6, 7]);
      const sql = state.storage.sql;
      const versions = sql
        .exec<{ version: number }>('SELECT version FROM _migrations ORDER BY version')
        .toArray();
      return {
        versions: versions.map((v) => v.version),
        counts: counts(sql),
        users: sql.exec('SELECT * FROM users ORDER BY uaid').toArray(),
      };
    });
    expect(after.versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(after.versions.at(-1)).toBe(SCHEMA_VERSION);
    expect(after.counts).toEqual(before.counts);
    expect(after.users).toEqual(before.users);

    // Readable through the object's RPC: the feed page, the KV copies, the recon file, forgets.
    const page = JSON.parse((await stub.page(0, 100)).value) as FeedPage;
    expect(page.cursor).toBe('4');
    expect(page.events.map((e: FeedEvent) => [e.id, e.type, e.userAuthorizationId])).toEqual([
      ['ev_1', 'kyc.updated', ids.hinted],
      ['ev_2', 'recon.missed', ids.listed],
      ['ev_3', 'standing.changed', ids.hinted],
      ['ev_4', 'user.forgotten', undefined],
    ]);
    expect(page.events[1]).toMatchObject({ source: 'recon', fileType: 'kyc_passport_sync_recon' });
    expect((await stub.flush()).value).toBe(0);
    const hinted = await getUserState(env.KYC_KV, ids.hinted);
    expect(hinted?.standing?.value).toBe('KYC_UPDATE_REQUIRED');
    expect(hinted?.kyc?.recent.map((r) => r.eventId)).toEqual(['ev_1']);
    const verified = await getUserState(env.KYC_KV, ids.verified);
    expect(verified?.authorization).toMatchObject({
      status: 'ACTIVE',
      referenceIdMode: 'merchant',
    });
    expect((await stub.latestVerified()).value).toEqual({
      userAuthorizationId: ids.verified,
      verifiedAt: Date.parse('2026-08-01T00:00:00Z'),
    });
    // The forgotten id stays forgotten; the feed goes on from the deployed cursor.
    const late = { kind: 'kyc' as const, receivedAt: Date.now() };
    const dropped = await stub.record({
      ...late,
      notificationId: uid('n'),
      userAuthorizationId: forgottenId,
    });
    expect(dropped.value.dropped).toBe(true);
    const next = await stub.record({
      ...late,
      notificationId: 'evt-deployed-1',
      userAuthorizationId: ids.hinted,
    });
    expect(next.value.duplicate).toBe(true);
    const fresh = await stub.record({
      ...late,
      notificationId: uid('n'),
      userAuthorizationId: ids.listed,
    });
    // After the deployed events (a refused duplicate may use a seq: ids need not be consecutive).
    expect(Number(fresh.value.eventId?.slice(3))).toBeGreaterThan(4);
    expect((await stub.startForget(ids.verified, 'req_1', Date.now())).value.state).toBe('started');

    // FEED_SHARDS=1 here: the object recorded it on first use.
    expect((await stub.shardState()).value).toEqual({ recorded: 1, configured: 1, refused: false });
    const meta = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec('SELECT key, value FROM feed_meta').toArray(),
    );
    expect(meta).toEqual([{ key: 'shards', value: '1' }]);
  });
});
