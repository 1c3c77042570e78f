import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../../worker/feed/migrations';
import { exchanged, verify } from '../claims/support';
import { bearer, call, uid } from '../support/webhooks';
import { blank } from './blank';

// Issue 24: the console finds a user by the merchant's referenceId
// (`GET /v1/users?referenceId=`), across every feed shard.

interface Search {
  users: {
    userAuthorizationId: string;
    referenceIdMode: 'public' | 'merchant';
    verifiedAt: string | null;
    standing: string | null;
  }[];
  count: number;
}

/** A session with `referenceId` completed and exchanged: the user's id. */
async function verifiedWith(referenceId: string, mode: 'public' | 'merchant'): Promise<string> {
  const { status, resultToken } = await verify({ referenceId }, { mode });
  expect(status).toBe('completed');
  const answer = await exchanged(resultToken!);
  return answer.userAuthorizationId as string;
}

function search(query: string, headers: Record<string, string> = bearer): Promise<Response> {
  return call(`/v1/users${query}`, { headers });
}

describe('GET /v1/users?referenceId=', () => {
  it('finds the user a merchant session with that referenceId verified', async () => {
    const referenceId = uid('customer');
    const uaid = await verifiedWith(referenceId, 'merchant');
    const response = await search(`?referenceId=${referenceId}`);
    expect(response.status).toBe(200);
    expect(await response.json<Search>()).toEqual({
      users: [
        {
          userAuthorizationId: uaid,
          referenceIdMode: 'merchant',
          verifiedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          standing: expect.toBeOneOf([null, 'OK']),
        },
      ],
      count: 1,
    });
  });

  it('lists a browser’s referenceId too, marked public, beside the merchant’s', async () => {
    const referenceId = uid('shared');
    const merchantUaid = await verifiedWith(referenceId, 'merchant');
    const publicUaid = await verifiedWith(referenceId, 'public');
    const found = await (await search(`?referenceId=${referenceId}`)).json<Search>();
    expect(found.count).toBe(2);
    expect(found.users.map((u) => [u.userAuthorizationId, u.referenceIdMode]).sort()).toEqual(
      [
        [merchantUaid, 'merchant'],
        [publicUaid, 'public'],
      ].sort(),
    );
  });

  it('answers an empty list for a referenceId nobody has', async () => {
    const response = await search(`?referenceId=${uid('nobody')}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ users: [], count: 0 });
  });

  it.each([
    ['', 'INVALID_FIELD'],
    ['?referenceId=', 'INVALID_FIELD'],
    ['?referenceId=has%20space', 'INVALID_FIELD'],
    [`?referenceId=${'x'.repeat(256)}`, 'INVALID_FIELD'],
    ['?referenceId=a&referenceId=b', 'INVALID_FIELD'],
    ['?referenceId=a&limit=5', 'UNKNOWN_FIELD'],
  ])('refuses %s with 400 %s', async (query, code) => {
    const response = await search(query);
    expect(response.status).toBe(400);
    const body = await response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(code === 'INVALID_FIELD' ? /referenceId/ : /limit/);
  });

  it('answers the console too, at /console/api (open on a loopback host in development)', async () => {
    const referenceId = uid('console');
    const uaid = await verifiedWith(referenceId, 'merchant');
    const response = await call(`/console/api/v1/users?referenceId=${referenceId}`);
    expect(response.status).toBe(200);
    expect(await response.json<Search>()).toMatchObject({
      users: [{ userAuthorizationId: uaid, referenceIdMode: 'merchant' }],
      count: 1,
    });
  });

  it('needs the bearer', async () => {
    const response = await search('?referenceId=customer-1', {});
    expect(response.status).toBe(401);
  });
});

describe('feed migration v7', () => {
  it('indexes users by reference_id, and the search uses the index', async () => {
    const stub = env.EVENT_FEED.get(env.EVENT_FEED.newUniqueId());
    await runInDurableObject(stub, (_object, state) => {
      blank(state.storage);
      migrate(state.storage, MIGRATIONS.slice(0, 6));
      const sql = state.storage.sql;
      sql.exec("INSERT INTO users (uaid, updated_at, reference_id) VALUES ('u-1', 900, 'r-1')");
      expect(migrate(state.storage)).toEqual([7]);
      const index = sql
        .exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'")
        .toArray();
      expect(index).toContainEqual({ name: 'users_by_reference' });
      const plan = sql
        .exec<{ detail: string }>(
          'EXPLAIN QUERY PLAN SELECT uaid FROM users WHERE reference_id = ?',
          'r-1',
        )
        .toArray()
        .map((row) => row.detail)
        .join(' ');
      expect(plan).toContain('users_by_reference');
    });
  });
});
