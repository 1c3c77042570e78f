import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { expectError } from '../support/flow';
import { consumeMessages, eventMessageOf, eventsWithId, QUEUES } from '../support/queues';
import type { DeadLetterView } from '../../../worker/queues/dead-letters';
import { bearer, call, feed, uid } from '../support/webhooks';

interface Listed {
  deadLetters: DeadLetterView[];
  count: number;
}

async function listed(query = ''): Promise<Listed> {
  const response = await call(`/v1/dead-letters${query}`, { headers: bearer });
  expect(response.status).toBe(200);
  return response.json<Listed>();
}

function replay(body?: unknown, overrides: Record<string, unknown> = {}): Promise<Response> {
  return call(
    '/v1/dead-letters/replay',
    {
      method: 'POST',
      headers: body === undefined ? bearer : { ...bearer, 'Content-Type': 'application/json' },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    },
    overrides,
  );
}

/** The `ingest.dead_lettered` events of the home shard, their `count`s. */
function deadLetteredEvents(): Promise<number[]> {
  return runInDurableObject(feed(), (_o, state) =>
    state.storage.sql
      .exec<{ data: string }>(
        "SELECT data FROM events WHERE type = 'ingest.dead_lettered' ORDER BY seq",
      )
      .toArray()
      .map((row) => (JSON.parse(row.data) as { count: number }).count),
  );
}

async function health(): Promise<{ deadLetters?: number; warnings: { reason: string }[] }> {
  return (await call('/healthz', { headers: bearer })).json();
}

async function ingestRow(): Promise<{ ok: boolean; detail: string }> {
  const answer = await (
    await call('/v1/doctor', { headers: bearer })
  ).json<{
    checks: { check: string; ok: boolean; detail: string }[];
  }>();
  return answer.checks.find((row) => row.check === 'ingest')!;
}

// One story, in order: the home shard's dead letters are this file's.
describe('dead letters', () => {
  const uaid = uid('u');
  const letters = [
    eventMessageOf('kyc', uaid, uid('evt')),
    eventMessageOf('risk', uaid, uid('evt')),
  ].map((m) => ({ ...m, attempts: 11 }));
  const notificationIds = letters.map((m) => (m.body as { notificationId: string }).notificationId);

  it('starts with none: /healthz says 0 without a warning, the doctor passes', async () => {
    expect(await listed()).toEqual({ deadLetters: [], count: 0 });
    const answer = await health();
    expect(answer.deadLetters).toBe(0);
    expect(answer.warnings.some((w) => w.reason.includes('dead-letters'))).toBe(false);
    expect((await ingestRow()).ok).toBe(true);
  });

  it('are parked by the dead-letter queue’s consumer, with one feed event', async () => {
    const { acked, retried } = await consumeMessages(QUEUES.dlq.name, letters);
    expect(retried).toEqual([]);
    expect(acked).toEqual(letters.map((m) => m.id));
    // The queue may deliver them again: parked once, no second event.
    await consumeMessages(QUEUES.dlq.name, letters);
    expect(await deadLetteredEvents()).toEqual([2]);
    for (const id of notificationIds) expect(await eventsWithId(id)).toBe(0);
  });

  it('are listed to the merchant, oldest first, and counted by /healthz and the doctor', async () => {
    const { deadLetters, count } = await listed();
    expect(count).toBe(2);
    // Parked in the same millisecond: in either order.
    const byKind = [...deadLetters].sort((a, b) => (a.kind ?? '').localeCompare(b.kind ?? ''));
    expect(byKind).toEqual(
      letters.map((m, i) => ({
        id: m.id,
        attempts: 11,
        parkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        kind: i === 0 ? 'kyc' : 'risk',
        notificationId: notificationIds[i],
        userAuthorizationId: uaid,
      })),
    );
    expect((await listed('?limit=1')).deadLetters).toHaveLength(1);
    const answer = await health();
    expect(answer.deadLetters).toBe(2);
    expect(answer.warnings).toContainEqual({ reason: expect.stringContaining('2 notifications') });
    const row = await ingestRow();
    expect(row.ok).toBe(false);
    expect(row.detail).toContain('Fix: ');
  });

  it('stay parked when the queue refuses the replay: 503 QUEUE_UNAVAILABLE', async () => {
    const refusing = { sendBatch: () => Promise.reject(new Error('queue unavailable')) };
    await expectError(await replay(undefined, { INGEST: refusing }), 503, 'QUEUE_UNAVAILABLE');
    expect((await listed()).count).toBe(2);
  });

  it('are replayed to INGEST, recorded once, and unparked', async () => {
    const first = await replay({ limit: 1 });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ replayed: 1, skipped: 0, remaining: 1 });
    const rest = await replay();
    expect(await rest.json()).toEqual({ replayed: 1, skipped: 0, remaining: 0 });
    for (const id of notificationIds) expect(await eventsWithId(id)).toBe(1);
    expect(await listed()).toEqual({ deadLetters: [], count: 0 });
    expect((await health()).deadLetters).toBe(0);
    expect((await ingestRow()).ok).toBe(true);
  });

  it('keeps a body none of our versions sent parked, skipped by the replay', async () => {
    const junk = { id: uid('junk').replaceAll('-', ''), attempts: 11, body: { v: 9 } };
    await consumeMessages(QUEUES.dlq.name, [junk]);
    expect((await listed()).deadLetters).toEqual([
      expect.objectContaining({ id: junk.id, kind: null, notificationId: null }),
    ]);
    expect(await (await replay()).json()).toEqual({ replayed: 0, skipped: 1, remaining: 1 });
    expect(await deadLetteredEvents()).toEqual([2, 1]);
  });
});

describe('the dead-letter routes refuse', () => {
  it('callers without the merchant bearer', async () => {
    await expectError(await call('/v1/dead-letters'), 401, 'UNAUTHORIZED');
    await expectError(
      await call('/v1/dead-letters/replay', { method: 'POST' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it.each(['?limit=0', '?limit=1001', '?limit=abc', '?limit=1.5', '?limit=', '?after=1'])(
    'a list query %s',
    async (query) => {
      const response = await call(`/v1/dead-letters${query}`, { headers: bearer });
      // An empty limit is the default; everything else here is refused.
      if (query === '?limit=') expect(response.status).toBe(200);
      else
        await expectError(response, 400, query === '?after=1' ? 'UNKNOWN_FIELD' : 'INVALID_FIELD');
    },
  );

  it.each([
    [{ limit: 0 }, 'INVALID_FIELD'],
    [{ limit: 1001 }, 'INVALID_FIELD'],
    [{ limit: '5' }, 'INVALID_FIELD'],
    [{ limit: 2.5 }, 'INVALID_FIELD'],
    [{ other: 1 }, 'UNKNOWN_FIELD'],
    [[1], 'INVALID_FIELD'],
    ['{not json', 'INVALID_JSON'],
  ])('a replay body %j', async (body, code) => {
    await expectError(await replay(body), 400, code);
  });

  it('a replay body that is not JSON by its Content-Type', async () => {
    const response = await call('/v1/dead-letters/replay', {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'text/plain' },
      body: '{"limit":1}',
    });
    await expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
