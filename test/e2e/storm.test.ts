import { describe, expect, inject, it } from 'vitest';
import type { FeedEvent, FeedPage, UserState } from '../../shared/feed';
import { WEBHOOK_KINDS } from '../../shared/paypay-codes';

const { workerUrl, sandboxUrl, merchantApiToken } = inject('e2eStack');
const auth = { Authorization: `Bearer ${merchantApiToken}` };

type Kind = keyof typeof WEBHOOK_KINDS;
const KINDS: Kind[] = ['kyc', 'risk', 'account-status'];
const TYPE_OF: Record<Kind, string> = {
  kyc: 'kyc.updated',
  risk: 'risk.flagged',
  'account-status': 'account_status.updated',
};
const STATE_KEY = { kyc: 'kyc', risk: 'risk', 'account-status': 'accountStatus' } as const;

const USERS = 120;
const UNIQUE = 2000;
const DUPLICATES = 1000;
const IN_FLIGHT = 50;

interface Note {
  kind: Kind;
  id: string;
  uaid: string;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function createUser(standing: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/_sandbox/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ standing }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { userAuthorizationId: string }).userAuthorizationId;
}

async function send(note: Note): Promise<number> {
  const response = await fetch(`${workerUrl}/v1/webhooks/paypay/${note.kind}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      notification_type: WEBHOOK_KINDS[note.kind],
      notification_id: note.id,
      user_authorization_id: note.uaid,
    }),
  });
  await response.text();
  return response.status;
}

async function readFeed(): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let cursor = '0';
  for (;;) {
    const response = await fetch(`${workerUrl}/v1/events?after=${cursor}&limit=1000`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as FeedPage;
    if (page.events.length === 0) return events;
    events.push(...page.events);
    cursor = page.cursor;
  }
}

async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

describe('a storm of webhooks against wrangler dev', () => {
  it('records each unique notification exactly once and gets every user right', async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const flagged = new Set<string>();
    const users: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const standing = i % 4 === 0 ? 'risk_flagged' : 'active';
      const uaid = await createUser(standing);
      users.push(uaid);
      if (standing === 'risk_flagged') flagged.add(uaid);
    }
    const unique: Note[] = Array.from({ length: UNIQUE }, (_, n) => ({
      kind: KINDS[n % 3] as Kind,
      id: `storm-${run}-${n}`,
      uaid: users[Math.floor(Math.random() * USERS)] as string,
    }));
    const copies = Array.from(
      { length: DUPLICATES },
      () => unique[Math.floor(Math.random() * UNIQUE)] as Note,
    );
    const all = shuffle([...unique, ...copies]);

    const started = Date.now();
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < all.length) statuses.push(await send(all[next++] as Note));
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `storm: ${all.length} notifications (${DUPLICATES} duplicates) in ${seconds.toFixed(1)} s`,
    );
    expect(statuses).toHaveLength(UNIQUE + DUPLICATES);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const mine = (await readFeed()).filter((e) => e.notificationId?.startsWith(`storm-${run}-`));
    expect(mine).toHaveLength(UNIQUE);
    const byId = new Map(unique.map((note) => [note.id, note]));
    expect(new Set(mine.map((e) => e.notificationId)).size).toBe(UNIQUE);
    for (const event of mine) {
      const note = byId.get(event.notificationId ?? '');
      expect(event).toMatchObject({
        type: TYPE_OF[note!.kind],
        userAuthorizationId: note!.uaid,
        source: 'webhook',
      });
    }

    const expected = new Map(users.map((uaid) => [uaid, { kyc: 0, risk: 0, 'account-status': 0 }]));
    for (const note of unique) expected.get(note.uaid)![note.kind] += 1;
    for (const uaid of users) {
      const want = expected.get(uaid)!;
      const state = await eventually(
        async () => {
          const response = await fetch(`${workerUrl}/v1/users/${uaid}`, { headers: auth });
          return response.status === 200 ? ((await response.json()) as UserState) : null;
        },
        (s) =>
          s !== null &&
          KINDS.every((k) => (s[STATE_KEY[k]]?.count ?? 0) === want[k]) &&
          s.standing !== null,
      );
      expect(state).not.toBeNull();
      for (const kind of KINDS) {
        const part = state![STATE_KEY[kind]];
        expect(part?.count ?? 0).toBe(want[kind]);
        if (want[kind] > 0) expect(part?.source).toBe('webhook');
      }
      expect(state!.standing?.value).toBe(flagged.has(uaid) ? 'UNACCEPTABLE_OP' : 'OK');
    }
  });
});
