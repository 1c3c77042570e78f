import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { jstDayStart, periodOf } from '../../../worker/recon/period';
import { processRecon } from '../../../worker/recon/process';
import { setFeedSettings } from '../support/feed-settings';
import { SANDBOX } from '../support/sandbox';
import {
  claimFile,
  cron,
  downloads,
  envWith,
  eventsAfter,
  feed,
  missedFor,
  postWebhook,
  reconBody,
  reconRow,
  sandboxFile,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';

const HOURS = 3_600_000;

/** The sandbox names files for yesterday (JST); a time inside that day. */
function insidePeriod(fileName: string): number {
  const match = /_(\d{4})(\d{2})(\d{2})_\d{8}\.csv$/.exec(fileName);
  return jstDayStart(`${match?.[1]}-${match?.[2]}-${match?.[3]}`) + 12 * HOURS;
}

describe('POST /v1/webhooks/paypay/recon', () => {
  it('turns every id not seen by a webhook of its kind during the period into one missed event', async () => {
    const [seen, missed, seenToday] = [uid('seen'), uid('missed'), uid('today')];
    const file = await sandboxFile([seen, missed, seenToday]);
    await feed().record({
      kind: 'kyc',
      notificationId: uid('evt'),
      userAuthorizationId: seen,
      receivedAt: insidePeriod(file.fileName),
    });
    // A webhook of another kind, or after the period, does not cover it.
    await feed().record({
      kind: 'risk',
      notificationId: uid('evt'),
      userAuthorizationId: missed,
      receivedAt: insidePeriod(file.fileName),
    });
    // The next day at noon: past the period and its 10-minute grace for PayPay's retries,
    // whatever time of day the test runs (a webhook at 00:05 JST would still count).
    await feed().record({
      kind: 'kyc',
      notificationId: uid('evt'),
      userAuthorizationId: seenToday,
      receivedAt: insidePeriod(file.fileName) + 24 * HOURS,
    });

    const cursor = await tailCursor();
    const body = reconBody(file.path);
    const response = await postWebhook('recon', body);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');

    const events = await eventsAfter(cursor);
    const misses = missedFor(events, [seen, missed, seenToday]);
    expect(misses.map((e) => e.userAuthorizationId).sort()).toEqual([missed, seenToday].sort());
    expect(misses[0]).toEqual({
      id: expect.stringMatching(/^ev_\d+$/),
      type: 'recon.missed',
      userAuthorizationId: expect.any(String),
      occurredAt: expect.any(String),
      source: 'recon',
      kind: 'kyc',
      fileType: 'kyc_passport_sync_recon',
      period: periodOf(file.path, 0),
    });
    expect(misses[0]).not.toHaveProperty('notificationId');
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'done',
      ids_total: 3,
      missed: 2,
    });

    const state = await userStateOf(missed);
    expect(state.kyc).toMatchObject({ source: 'recon', count: 1 });
    expect(state.risk).toMatchObject({ source: 'webhook', count: 1 });
    expect(state.reread.due || state.standing !== null).toBe(true);
  });

  it('records a repeated notification once and the same file again adds nothing', async () => {
    const ids = [uid('a'), uid('b')];
    const file = await sandboxFile(ids);
    const cursor = await tailCursor();
    const body = reconBody(file.path);
    for (let i = 0; i < 2; i++) expect((await postWebhook('recon', body)).status).toBe(200);
    await Promise.all([postWebhook('recon', body), postWebhook('recon', body)]);
    expect(await downloads(file.fileId)).toBe(1);
    // PayPay resending the file under a new notification id: downloaded again, no new event.
    expect((await postWebhook('recon', reconBody(file.path))).status).toBe(200);
    expect(await downloads(file.fileId)).toBe(2);
    expect(missedFor(await eventsAfter(cursor), ids)).toHaveLength(2);
  });

  it('processes a header-only file as a file without ids', async () => {
    const file = await sandboxFile([]);
    const body = reconBody(file.path, { fileType: 'kyc_passport_risk_sync_recon' });
    expect((await postWebhook('recon', body)).status).toBe(200);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'done',
      ids_total: 0,
      missed: 0,
    });
  });

  it('processes a 5,000-id file in batches, each id once', async () => {
    const prefix = `big${crypto.randomUUID().slice(0, 8)}-`;
    const file = await sandboxFile([], {
      generate: { prefix, count: 5000 },
      fileType: 'kyc_passport_account_status_sync_recon',
    });
    const cursor = await tailCursor();
    const body = reconBody(file.path, { fileType: 'kyc_passport_account_status_sync_recon' });
    expect((await postWebhook('recon', body)).status).toBe(200);
    const misses = (await eventsAfter(cursor)).filter((e) => e.type === 'recon.missed');
    expect(misses).toHaveLength(5000);
    expect(new Set(misses.map((e) => e.userAuthorizationId)).size).toBe(5000);
    expect(misses.every((e) => e.kind === 'account-status')).toBe(true);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'done',
      ids_total: 5000,
      missed: 5000,
    });
  });

  it('queues each miss for forwarding when MERCHANT_WEBHOOK_URL is set, and nothing else', async () => {
    const forward = {
      MERCHANT_WEBHOOK_URL: `${SANDBOX}/no-such-receiver`,
      MERCHANT_WEBHOOK_SECRET: `whsec_${btoa('0123456789abcdef0123456789abcdef')}`,
    };
    await setFeedSettings(forward);
    try {
      const config = parseConfig(envWith(forward) as unknown as Record<string, string>);
      const ids = [uid('f'), uid('f'), uid('f')];
      const seen = ids[1] ?? '';
      const notificationId = crypto.randomUUID();
      const now = Date.now();
      const period = { from: '2026-08-01', to: '2026-08-01' };
      await feed().record({
        kind: 'kyc',
        notificationId: uid('evt'),
        userAuthorizationId: seen,
        receivedAt: jstDayStart(period.from) + 3_600_000,
      });
      const claim = await claimFile(notificationId, now, { period });
      const csv = `userAuthorizationId\r\n${ids.join('\r\n')}\r\n${ids[0]}\r\n`;
      expect(
        await processRecon(envWith(forward), config, claim, now, async () => new Response(csv)),
      ).toBe('done');
      const queued = await runInDurableObject(feed(), (_object, state) =>
        state.storage.sql
          .exec<{ uaid: string; state: string }>(
            `SELECT e.uaid AS uaid, o.state AS state FROM outbox o JOIN events e ON e.seq = o.seq
             WHERE e.type = 'recon.missed' AND e.uaid IN (?, ?, ?) ORDER BY e.seq`,
            ...ids,
          )
          .toArray(),
      );
      expect(queued).toEqual([
        { uaid: ids[0], state: 'pending' },
        { uaid: ids[2], state: 'pending' },
      ]);
    } finally {
      await runInDurableObject(feed(), (_object, state) => {
        state.storage.sql.exec('DELETE FROM outbox');
      });
      await setFeedSettings({});
    }
  });

  it.each([
    ['another host', (p: URL) => `https://evil.test${p.pathname}${p.search}`, 'HOST_NOT_ALLOWED'],
    ['an IP literal', (p: URL) => `https://127.0.0.1${p.pathname}${p.search}`, 'HOST_NOT_ALLOWED'],
    ['http', (p: URL) => `http://sandbox.test${p.pathname}${p.search}`, 'PATH_NOT_HTTPS'],
    [
      'userinfo (https://allowed@evil/)',
      (p: URL) => `https://sandbox.test@evil.test${p.pathname}${p.search}`,
      'PATH_HAS_USERINFO',
    ],
    [
      'userinfo before the allowed host',
      (p: URL) => `https://evil.test@sandbox.test${p.pathname}${p.search}`,
      'PATH_HAS_USERINFO',
    ],
  ])('refuses %s without a fetch, and reports the file lost', async (_name, rewrite, reason) => {
    const file = await sandboxFile([uid('u')]);
    const cursor = await tailCursor();
    const body = reconBody(rewrite(new URL(file.path)));
    expect((await postWebhook('recon', body)).status).toBe(200);
    expect(await downloads(file.fileId)).toBe(0);
    const lost = (await eventsAfter(cursor)).filter((e) => e.type === 'recon.lost');
    expect(lost).toEqual([
      expect.objectContaining({
        source: 'recon',
        notificationId: body.notification_id,
        reason,
        fileType: 'kyc_passport_sync_recon',
      }),
    ]);
  });

  it('refuses a redirect to another host without fetching it, then reports the file lost when the window closes', async () => {
    const target = await sandboxFile([uid('u')]);
    const evil = new URL(target.path);
    evil.host = 'evil.test';
    const file = await sandboxFile([], { redirectTo: evil.href });
    const cursor = await tailCursor();
    const body = reconBody(file.path);
    expect((await postWebhook('recon', body)).status).toBe(200);
    expect(await downloads(file.fileId)).toBe(1);
    expect(await downloads(target.fileId)).toBe(0);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'pending',
      last_error: 'REDIRECT_NOT_ALLOWED',
    });
    await cron(Date.now() + 2 * HOURS + 60_000);
    const lost = (await eventsAfter(cursor)).filter(
      (e) => e.notificationId === body.notification_id,
    );
    expect(lost).toEqual([
      expect.objectContaining({ type: 'recon.lost', reason: 'REDIRECT_NOT_ALLOWED' }),
    ]);
    expect(await downloads(target.fileId)).toBe(0);
  });

  it('follows a redirect to the same allowed host', async () => {
    const id = uid('u');
    const target = await sandboxFile([id]);
    const file = await sandboxFile([], { redirectTo: target.path });
    const cursor = await tailCursor();
    expect((await postWebhook('recon', reconBody(file.path))).status).toBe(200);
    expect(await downloads(target.fileId)).toBe(1);
    expect(missedFor(await eventsAfter(cursor), [id])).toHaveLength(1);
  });
});
