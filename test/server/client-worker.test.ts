// The client of paypay-kyc-passport/server inside workerd, against the Worker's
// own handler (no network).
import { describe, expect, it } from 'vitest';
import { intoWorker } from '../worker/support/into-worker';
import { createClient, type FeedEvent } from '../../server/index';
import { MERCHANT_TOKEN } from '../worker/support/flow';
import { failure, TOKEN } from '../worker/support/server-client';

describe('createClient against the Worker in workerd', () => {
  const client = createClient({
    endpoint: 'https://kyc.example/',
    token: MERCHANT_TOKEN,
    fetch: intoWorker,
  });

  it('creates a merchant session with merchant-only fields', async () => {
    const created = await client.createSession({
      referenceId: 'customer-0042',
      phoneNumber: '+819012345678',
      kycData: { lastName: 'Yamada' },
    });
    expect(created).toMatchObject({ status: 'pending' });
    expect(created.sessionId).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{24}$/);
    expect(new URL(created.qrUrl).protocol).toBe('https:');
    const view = await client.session(created.sessionId);
    expect(view).toMatchObject({ sessionId: created.sessionId, status: 'pending' });
  });

  it("turns the Worker's error answers into KycPassportError with code, status, requestId", async () => {
    const unknown = await failure(client.exchange(`rt1.${'0'.repeat(64)}.${'A'.repeat(43)}`));
    expect(unknown).toMatchObject({ code: 'RESULT_NOT_FOUND', status: 404 });
    expect(unknown.requestId).toMatch(/^req_[0-9a-f]{24}$/);
    const missing = await failure(client.user('never-heard-of'));
    expect(missing).toMatchObject({ code: 'USER_NOT_FOUND', status: 404 });
    const invalid = await failure(client.user('has space'));
    expect(invalid).toMatchObject({ code: 'INVALID_ID', status: 404 });
    const wrong = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      fetch: intoWorker,
    });
    const refused = await failure(wrong.events().next());
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    const bad = await failure(client.events({ after: 'not-a-cursor' }).next());
    expect(bad).toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });

  it('forgets a user (202) and reads the feed to its end', async () => {
    const accepted = await client.forget(`u-${crypto.randomUUID()}`);
    expect(accepted.status).toBe('forgetting');
    expect(accepted.requestId).toMatch(/^req_/);
    const feed = client.events({ limit: 2 });
    const seen: FeedEvent[] = [];
    for await (const event of feed) seen.push(event);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    // Caught up: a new iterator from the cursor yields nothing.
    const rest = client.events({ after: feed.cursor });
    expect(await rest.next()).toEqual({ done: true, value: undefined });
    expect(rest.cursor).toBe(feed.cursor);
  });
});
