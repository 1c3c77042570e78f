import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { periodOf } from '../../../worker/recon/period';
import { processRecon } from '../../../worker/recon/process';
import {
  claimFile,
  cron,
  downloads,
  eventsAfter,
  feed,
  missedFor,
  postWebhook,
  reconBody,
  reconRow,
  sandboxFile,
  tailCursor,
  uid,
} from '../support/webhooks';

const HOURS = 3_600_000;

describe('the cron trigger and failed downloads', () => {
  it('retries a failed download and records the file then', async () => {
    const id = uid('u');
    const file = await sandboxFile([id], { failures: 1 });
    const cursor = await tailCursor();
    const body = reconBody(file.path);
    expect((await postWebhook('recon', body)).status).toBe(200);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'HTTP_503',
    });
    expect(missedFor(await eventsAfter(cursor), [id])).toEqual([]);
    // Not due yet: the back-off holds the next attempt for a minute.
    await cron(Date.now() + 10_000);
    expect(await downloads(file.fileId)).toBe(1);
    await cron(Date.now() + 2 * 60_000);
    expect(await downloads(file.fileId)).toBe(2);
    expect(missedFor(await eventsAfter(cursor), [id])).toHaveLength(1);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({
      state: 'done',
      attempts: 2,
    });
  });

  it('reports the file lost, once, when PayPay’s 2-hour window closes', async () => {
    const file = await sandboxFile([uid('u')], { failures: 10 });
    const cursor = await tailCursor();
    const requestedAt = Date.now();
    const body = reconBody(file.path, { requestedAt });
    expect((await postWebhook('recon', body)).status).toBe(200);
    await cron(requestedAt + 30 * 60_000);
    expect(await downloads(file.fileId)).toBe(2);
    await cron(requestedAt + 2 * HOURS + 1000);
    await cron(requestedAt + 2 * HOURS + 120_000);
    expect(await downloads(file.fileId)).toBe(2);
    const events = (await eventsAfter(cursor)).filter(
      (e) => e.notificationId === body.notification_id,
    );
    expect(events).toEqual([
      {
        id: expect.any(String),
        type: 'recon.lost',
        occurredAt: expect.any(String),
        source: 'recon',
        notificationId: body.notification_id,
        fileType: 'kyc_passport_sync_recon',
        period: periodOf(file.path, 0),
        reason: 'HTTP_503',
        requestedAt: new Date(Math.floor(requestedAt / 1000) * 1000).toISOString(),
      },
    ]);
    expect(await reconRow(body.notification_id ?? '')).toMatchObject({ state: 'lost' });
  });

  it('skips and records junk lines of a downloaded file', async () => {
    const config = parseConfig(env as unknown as Record<string, string>);
    const notificationId = crypto.randomUUID();
    const ids = [uid('j'), uid('j')];
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const csv = `\uFEFFuserAuthorizationId\n${ids[0]}\nnot an id\n\n${ids[1]}\n"quoted,comma"\n`;
    const outcome = await processRecon(env, config, claim, now, async () => new Response(csv));
    expect(outcome).toBe('done');
    expect(await reconRow(notificationId)).toMatchObject({
      state: 'done',
      ids_total: 2,
      missed: 2,
      junk: 2,
      junk_lines: '[3,6]',
    });
  });

  it('retries an empty or unusable answer like a failed download', async () => {
    const config = parseConfig(env as unknown as Record<string, string>);
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now, { path: 'https://sandbox.test/f.csv' });
    const notUtf8 = new Uint8Array([0x75, 0xff, 0x0a]);
    expect(await processRecon(env, config, claim, now, async () => new Response(notUtf8))).toBe(
      'retry',
    );
    expect(await reconRow(notificationId)).toMatchObject({
      state: 'pending',
      last_error: 'NOT_UTF8',
    });
    const [again] = (await feed().dueRecon(now + 61_000, 10)).value;
    expect(again?.notificationId).toBe(notificationId);
    // The next try gets a file without a header, LF only: read, not refused.
    const headerless = async () => new Response(`${uid('r')}\n${uid('r')}\n`);
    expect(await processRecon(env, config, again!, now + 61_000, headerless)).toBe('done');
    expect(await reconRow(notificationId)).toMatchObject({ state: 'done', ids_total: 2, junk: 0 });
  });
});
