import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { kvKeys } from '../../../worker/feed/kv-keys';
import { sandboxAdmin, sandboxCalls } from '../support/sandbox';
import {
  cron,
  eventBody,
  eventsAfter,
  feed,
  postWebhook,
  reconBody,
  sandboxUser,
  settle,
  tailCursor,
  uid,
} from '../support/webhooks';

/**
 * Issue 12, "forged notifications cost little": webhooks are unsigned, so each
 * test posts what an attacker past the source and path-token checks (or at a
 * deployment without them) would, and checks what it costs.
 */
const MINUTE = 60_000;
const HOURS = 3_600_000;
const DAYS = 86_400_000;
/** A small budget, so a flood of a few dozen shows it. */
const BUDGET = { UNCONFIRMED_REREADS_PER_MINUTE: '5' };
/** A budget no test reaches. */
const OPEN = { UNCONFIRMED_REREADS_PER_MINUTE: '1000' };

const reads = async () => (await sandboxCalls()).kycPassportInfo ?? 0;

type UserRow = { reread_due_at: number | null; standing_checked_at: number | null };
function userRow(uaid: string): Promise<UserRow | undefined> {
  return runInDurableObject(
    feed(),
    (_object, state) =>
      state.storage.sql
        .exec<UserRow>('SELECT reread_due_at, standing_checked_at FROM users WHERE uaid = ?', uaid)
        .toArray()[0],
  );
}

function reconState(notificationId: string): Promise<{ state: string; attempts: number }> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<{ state: string; attempts: number }>(
        'SELECT state, attempts FROM recon_files WHERE notification_id = ?',
        notificationId,
      )
      .one(),
  );
}

async function sandboxFile(extra: Record<string, unknown> = {}): Promise<{ path: string }> {
  const response = await sandboxAdmin('POST', '/recon', {
    fileType: 'kyc_passport_sync_recon',
    userAuthorizationIds: [uid('u')],
    notify: false,
    ...extra,
  });
  expect(response.status).toBe(200);
  return response.json();
}

describe('a forged recon notification with a requestedAt PayPay cannot have sent', () => {
  it.each([
    ['10 minutes in the future', 10 * MINUTE],
    ['a year in the future', 365 * DAYS],
    ['8 days ago, past PayPay’s 1-week retention', -8 * DAYS],
  ])('is refused when %s, before anything is recorded or fetched', async (_name, offset) => {
    const file = await sandboxFile();
    const before = await sandboxCalls();
    const body = reconBody(file.path, { requestedAt: Date.now() + offset });
    const response = await postWebhook('recon', body);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.message).toContain('requestedAt');
    const rows = await runInDurableObject(feed(), (_object, state) =>
      state.storage.sql
        .exec('SELECT 1 FROM recon_files WHERE notification_id = ?', body.notification_id)
        .toArray(),
    );
    expect(rows).toEqual([]);
    expect(await sandboxCalls()).toEqual(before);
  });

  it('is accepted within the clock skew', async () => {
    // No ids: a listed id is a confirmed user whose re-read would count in the tests below.
    const file = await sandboxFile({ userAuthorizationIds: [] });
    const body = reconBody(file.path, { requestedAt: Date.now() + 2 * MINUTE });
    expect((await postWebhook('recon', body)).status).toBe(200);
    expect(await reconState(body.notification_id ?? '')).toMatchObject({ state: 'done' });
  });
});

describe('a flood of forged notifications for ids PayPay does not know', () => {
  it('costs at most UNCONFIRMED_REREADS_PER_MINUTE reads of PayPay a minute', async () => {
    const before = await reads();
    for (let i = 0; i < 30; i++) {
      const body = eventBody('risk', uid('forged'));
      expect((await postWebhook('risk', body, { overrides: BUDGET })).status).toBe(200);
    }
    // 5 a minute; the flood may straddle one minute's end.
    expect((await reads()) - before).toBeLessThanOrEqual(10);
  });

  it('gives a confirmed user’s due re-read precedence over the flood’s', async () => {
    const genuine = await sandboxUser();
    // Read at once (the earlier flood spent this minute's budget of 5): confirmed.
    const first = await postWebhook('kyc', eventBody('kyc', genuine), { overrides: OPEN });
    expect(first.status).toBe(200);
    expect((await userRow(genuine))?.standing_checked_at).not.toBeNull();
    const forged = Array.from({ length: 60 }, () => uid('forged'));
    for (const uaid of forged) {
      await postWebhook('risk', eventBody('risk', uaid), { overrides: BUDGET });
    }
    // The flood arrived first: every forged re-read is due before the genuine one.
    const t0 = Date.now();
    await runInDurableObject(feed(), (_object, state) => {
      for (const uaid of forged) {
        state.storage.sql.exec(
          'UPDATE users SET reread_due_at = ?, reread_lease_until = NULL WHERE uaid = ?',
          t0 - 10 * MINUTE,
          uaid,
        );
      }
    });
    // A second hint within the per-user throttle: due a minute after the first read.
    await postWebhook('kyc', eventBody('kyc', genuine), { overrides: BUDGET });
    const due = (await userRow(genuine))?.reread_due_at ?? 0;
    expect(due).toBeGreaterThan(t0);
    const before = await reads();
    await cron(due + 1_000, BUDGET);
    expect(await userRow(genuine)).toMatchObject({ reread_due_at: null });
    expect((await userRow(genuine))?.standing_checked_at).toBeGreaterThanOrEqual(due);
    // The genuine read, and the flood's within its budget only.
    expect((await reads()) - before).toBeLessThanOrEqual(1 + 5);
  });

  it('leaves no user row or KV copy a week later; the feed keeps the events', async () => {
    const cursor = await tailCursor();
    const forged = uid('forged');
    const genuine = await sandboxUser();
    expect((await postWebhook('risk', eventBody('risk', forged), { overrides: OPEN })).status).toBe(
      200,
    );
    expect(
      (await postWebhook('risk', eventBody('risk', genuine), { overrides: OPEN })).status,
    ).toBe(200);
    await settle();
    expect(await env.KYC_KV.get(kvKeys.user(forged))).not.toBeNull();
    const later = Date.now() + 8 * DAYS;
    await cron(later, OPEN);
    await settle();
    await cron(later + MINUTE, OPEN);
    expect(await userRow(forged)).toBeUndefined();
    expect(await env.KYC_KV.get(kvKeys.user(forged))).toBeNull();
    expect(await userRow(genuine)).toBeDefined();
    expect(await env.KYC_KV.get(kvKeys.user(genuine))).not.toBeNull();
    const events = await eventsAfter(cursor);
    expect(events.some((e) => e.userAuthorizationId === forged)).toBe(true);
  });
});

describe('a flood of forged recon files', () => {
  it('cannot push a genuine file’s retries past its 2-hour window', async () => {
    const genuineFile = await sandboxFile({ failures: 3 });
    // Another file's id (the sandbox counts a file's failures per id, whatever the name).
    const missing = new URL((await sandboxFile()).path);
    missing.pathname = missing.pathname.replace(/\.csv$/, '_forged.csv');
    // Paths on PayPay's own (allowed) host that it refuses: what a forger can name.
    for (let i = 0; i < 120; i++) {
      const body = reconBody(`${missing.href}&n=${i}`);
      expect((await postWebhook('recon', body)).status).toBe(200);
    }
    const t0 = Date.now();
    const genuine = reconBody(genuineFile.path, { requestedAt: t0 });
    expect((await postWebhook('recon', genuine)).status).toBe(200);
    const id = genuine.notification_id ?? '';
    for (let at = t0 + MINUTE; at < t0 + 2 * HOURS; at += MINUTE) {
      await cron(at);
      if ((await reconState(id)).state !== 'pending') break;
    }
    expect(await reconState(id)).toMatchObject({ state: 'done', attempts: 4 });
  });
});
