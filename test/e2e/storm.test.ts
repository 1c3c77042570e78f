import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FeedEvent, FeedPage, UserState } from '../../shared/feed';
import { WEBHOOK_KINDS } from '../../shared/paypay-codes';
import { sandboxAdmin, setMerchantOptions } from '../../scripts/lib/sandbox-client.mjs';

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

/** As a PayPay we do not control: posted straight to the Worker. */
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

/**
 * As PayPay sends it: the sandbox delivers, with the default merchant's variants
 * (Content-Type, retries). The status is the Worker's answer to the last try.
 */
async function sendThroughSandbox(note: Note): Promise<number> {
  const answer = await sandboxAdmin(sandboxUrl, 'POST', '/webhooks', {
    kind: note.kind,
    userAuthorizationId: note.uaid,
    notificationId: note.id,
  });
  const deliveries = (answer.body as { deliveries?: { status?: number; attempts: number }[] })
    .deliveries;
  // More than one try would mean the Worker refused the first: count that as a failure.
  return deliveries?.[0]?.attempts === 1 ? (deliveries[0].status ?? 0) : answer.status;
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

interface Storm {
  run: string;
  users: string[];
  flagged: Set<string>;
  unique: Note[];
}

async function makeUsers(count: number, flagEvery = 4): Promise<Omit<Storm, 'run' | 'unique'>> {
  const flagged = new Set<string>();
  const users: string[] = [];
  for (let i = 0; i < count; i++) {
    const standing = i % flagEvery === 0 ? 'risk_flagged' : 'active';
    const uaid = await createUser(standing);
    users.push(uaid);
    if (standing === 'risk_flagged') flagged.add(uaid);
  }
  return { users, flagged };
}

/** Sends `unique` notifications and `duplicates` copies of them, shuffled, `inFlight` at a time. */
async function storm(
  sizes: { users: number; unique: number; duplicates: number; inFlight: number },
  sender: (note: Note) => Promise<number>,
): Promise<Storm> {
  const run = crypto.randomUUID().slice(0, 8);
  const { users, flagged } = await makeUsers(sizes.users);
  const unique: Note[] = Array.from({ length: sizes.unique }, (_, n) => ({
    kind: KINDS[n % 3] as Kind,
    id: `storm-${run}-${n}`,
    uaid: users[Math.floor(Math.random() * users.length)] as string,
  }));
  const copies = Array.from(
    { length: sizes.duplicates },
    () => unique[Math.floor(Math.random() * unique.length)] as Note,
  );
  const all = shuffle([...unique, ...copies]);
  const started = Date.now();
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: sizes.inFlight }, async () => {
      while (next < all.length) statuses.push(await sender(all[next++] as Note));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `storm: ${all.length} notifications (${sizes.duplicates} duplicates) in ${seconds.toFixed(1)} s`,
  );
  expect(statuses).toHaveLength(sizes.unique + sizes.duplicates);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  return { run, users, flagged, unique };
}

/** Nothing lost, nothing twice: each unique notification is one feed event, every user right. */
async function expectRecorded({ run, users, flagged, unique }: Storm): Promise<void> {
  const mine = await eventually(
    async () => (await readFeed()).filter((e) => e.notificationId?.startsWith(`storm-${run}-`)),
    (events) => events.length >= unique.length,
  );
  expect(mine).toHaveLength(unique.length);
  const byId = new Map(unique.map((note) => [note.id, note]));
  expect(new Set(mine.map((e) => e.notificationId)).size).toBe(unique.length);
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
}

describe('a storm of webhooks against wrangler dev', () => {
  it('records each unique notification exactly once and gets every user right', async () => {
    await expectRecorded(
      await storm(
        { users: USERS, unique: UNIQUE, duplicates: DUPLICATES, inFlight: IN_FLIGHT },
        send,
      ),
    );
  });
});

/** PayPay's documented forms, as the sandbox can send them (sandbox/README.md). */
const VARIANTS = {
  webhookContentType: 'application/json;charset=UTF-8;',
  webhookRetries: 'faq10',
  reconFormat: { header: false, lineEnd: 'LF' },
} as const;

interface Delivery {
  kind: string;
  status?: number;
  contentType: string | null;
}

describe('the storm with PayPay variants, delivered by the sandbox', () => {
  beforeAll(async () => {
    expect((await setMerchantOptions(sandboxUrl, VARIANTS)).status).toBe(200);
  });
  afterAll(async () => {
    // The other e2e files share the default merchant: give it back plain.
    expect((await setMerchantOptions(sandboxUrl, {})).status).toBe(200);
  });

  it('records each unique webhook once, whatever Content-Type PayPay writes', async () => {
    await sandboxAdmin(sandboxUrl, 'POST', '/reset');
    const result = await storm(
      { users: 60, unique: 900, duplicates: 450, inFlight: 25 },
      sendThroughSandbox,
    );
    // The log keeps the last 500 tries: all of this run's, all with PayPay's SDK form.
    const log = (await sandboxAdmin(sandboxUrl, 'GET', '/deliveries')).body as {
      deliveries: Delivery[];
    };
    expect(log.deliveries.length).toBeGreaterThan(0);
    for (const delivery of log.deliveries) {
      expect(delivery).toMatchObject({ status: 200, contentType: VARIANTS.webhookContentType });
    }
    await expectRecorded(result);
  }, 180_000);

  it('reads a headerless LF recon file once, even when PayPay announces it twice', async () => {
    const { users } = await makeUsers(40, 1_000);
    const notificationId = crypto.randomUUID();
    const announce = () =>
      sandboxAdmin(sandboxUrl, 'POST', '/recon', {
        fileType: 'kyc_passport_sync_recon',
        userAuthorizationIds: users,
        notificationId,
      });
    const first = await announce();
    expect(first.status).toBe(200);
    const { path, deliveries } = first.body as { path: string; deliveries: unknown[] };
    expect(deliveries).toEqual([{ status: 200, attempts: 1 }]);
    // What PayPay served is what the Worker read: no header line, LF only.
    expect(await (await fetch(path)).text()).toBe(users.map((id) => `${id}\n`).join(''));
    expect((await announce()).status).toBe(200);

    const mine = await eventually(
      async () =>
        (await readFeed()).filter(
          (e) => e.type === 'recon.missed' && users.includes(e.userAuthorizationId ?? ''),
        ),
      (events) => events.length >= users.length,
    );
    expect(mine).toHaveLength(users.length);
    expect(new Set(mine.map((e) => e.userAuthorizationId)).size).toBe(users.length);
    for (const event of mine) {
      expect(event).toMatchObject({ kind: 'kyc', fileType: 'kyc_passport_sync_recon' });
    }
    const lost = (await readFeed()).filter((e) => e.notificationId === notificationId);
    expect(lost).toEqual([]);
  });
});
