import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/feed';
import { parseConfig } from '../../worker/config';
import { parseReconCsv } from '../../worker/recon/csv';
import { openRecon, refusalOf, type DownloadOptions } from '../../worker/recon/download';
import { jstDayStart, periodOf } from '../../worker/recon/period';
import { processRecon } from '../../worker/recon/process';
import { setFeedSettings } from './support/feed-settings';
import { SANDBOX, sandboxAdmin } from './support/sandbox';
import {
  claimFile,
  cron,
  envWith,
  eventsAfter,
  feed,
  postWebhook,
  reconBody,
  tailCursor,
  uid,
  userStateOf,
} from './support/webhooks';

const encode = (text: string) => new TextEncoder().encode(text);
/** A recon file opened and read to its end: why it could not be, or its size. */
async function downloadRecon(path: string, options: DownloadOptions) {
  const opened = await openRecon(path, options);
  if (!opened.ok) return opened;
  let size = 0;
  for (;;) {
    const chunk = await opened.value.read();
    if (!chunk.ok || chunk.value === null) return chunk.ok ? { ok: true, size } : chunk;
    size += chunk.value.byteLength;
  }
}
/** parseReconCsv's result as one flat object, so each expectation reads as a whole. */
function readCsv(bytes: Uint8Array) {
  const result = parseReconCsv(bytes);
  return result.ok ? { ok: true, ...result.value } : { ok: false, reason: result.error };
}
const HOURS = 3_600_000;

async function sandboxFile(
  ids: string[],
  extra: Record<string, unknown> = {},
): Promise<{ path: string; fileId: string; fileName: string }> {
  const response = await sandboxAdmin('POST', '/recon', {
    fileType: 'kyc_passport_sync_recon',
    userAuthorizationIds: ids,
    notify: false,
    ...extra,
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function downloads(fileId: string): Promise<number> {
  return (await (await sandboxAdmin('GET', `/files/${fileId}`)).json<{ downloads: number }>())
    .downloads;
}

type FileRow = {
  state: string;
  attempts: number;
  last_error: string | null;
  junk: number;
  junk_lines: string | null;
  ids_total: number | null;
  missed: number;
};

function reconRow(notificationId: string): Promise<FileRow> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<FileRow>(
        'SELECT state, attempts, last_error, junk, junk_lines, ids_total, missed FROM recon_files WHERE notification_id = ?',
        notificationId,
      )
      .one(),
  );
}

/** The sandbox names files for yesterday (JST); a time inside that day. */
function insidePeriod(fileName: string): number {
  const match = /_(\d{4})(\d{2})(\d{2})_\d{8}\.csv$/.exec(fileName);
  return jstDayStart(`${match?.[1]}-${match?.[2]}-${match?.[3]}`) + 12 * HOURS;
}

function missedFor(events: FeedEvent[], ids: string[]): FeedEvent[] {
  return events.filter(
    (e) => e.type === 'recon.missed' && ids.includes(e.userAuthorizationId ?? ''),
  );
}

describe('parseReconCsv', () => {
  it('reads PayPay CRLF files', () => {
    expect(readCsv(encode('userAuthorizationId\r\nu-1\r\nu-2\r\n'))).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      junkLines: [],
      header: true,
    });
  });

  // The seed names the column but never says a header line exists.
  it.each([
    ['CRLF', 'u-1\r\nu-2\r\n'],
    ['LF', 'u-1\nu-2\n'],
    ['CR only', 'u-1\ru-2\r'],
    ['no final line end', 'u-1\nu-2'],
    ['quoted values', '"u-1"\r\n"u-2"\r\n'],
    ['blank lines', '\r\nu-1\r\n\r\n  \r\nu-2\r\n\r\n'],
    ['spaces around values', '  u-1 \r\n\t"u-2"  \r\n'],
    ['a BOM', '\uFEFFu-1\r\nu-2\r\n'],
  ])('reads a file without a header, with %s', (_name, text) => {
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      junkLines: [],
      header: false,
    });
  });

  it.each([
    ['LF, a BOM, no final line end and blank lines', '\uFEFFuserAuthorizationId\nu-1\n\nu-2'],
    ['CR only', 'userAuthorizationId\ru-1\ru-2\r'],
    ['a quoted header and values', '"userAuthorizationId"\r\n"u-1"\r\n"u-2"\r\n'],
    ['another spelling of the column', 'user_authorization_id\r\nu-1\r\nu-2\r\n'],
    ['spaces and blank lines first', '\r\n  userAuthorizationId  \r\n u-1\r\nu-2 \r\n'],
  ])('detects the header with %s', (_name, text) => {
    expect(readCsv(encode(text))).toMatchObject({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      header: true,
    });
  });

  it('takes the id column of a header with several columns, quoted commas included', () => {
    const text = 'updatedAt,userAuthorizationId\r\n"2026-08-01, 10:00",u-1\r\n2026-08-01,"u-2"\r\n';
    expect(readCsv(encode(text))).toMatchObject({ ids: ['u-1', 'u-2'], junk: 0 });
  });

  it('reads a quote inside a quoted value as RFC 4180 does (and an id cannot hold one)', () => {
    expect(readCsv(encode('"u-1"\r\n"u""2"\r\n'))).toMatchObject({
      ids: ['u-1'],
      junk: 1,
      junkLines: [2],
    });
  });

  it.each([
    ['an empty file', '', false],
    ['blank lines only', '\r\n\n\r', false],
    ['a header only', 'userAuthorizationId\r\n', true],
    ['a header without line end', 'userAuthorizationId', true],
  ])('holds no ids in %s', (_name, text, header) => {
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: [],
      junk: 0,
      junkLines: [],
      header,
    });
  });

  it('skips and counts junk lines, keeping their line numbers', () => {
    const text =
      'userAuthorizationId\r\nu-1\r\nu 2\r\nu-3,extra\r\n<script>\r\n' +
      'x'.repeat(65) +
      '\r\nu-4\r\n';
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: ['u-1', 'u-3', 'u-4'],
      junk: 3,
      junkLines: [3, 5, 6],
      header: true,
    });
  });

  it('counts a first line that is neither header nor id as junk, and reads on', () => {
    expect(readCsv(encode('user id\r\nu-1\r\n'))).toEqual({
      ok: true,
      ids: ['u-1'],
      junk: 1,
      junkLines: [1],
      header: false,
    });
  });

  it('refuses only a file that is not UTF-8', () => {
    expect(readCsv(new Uint8Array([0x75, 0xff, 0x0a]))).toEqual({
      ok: false,
      reason: 'NOT_UTF8',
    });
  });
});

describe('periodOf', () => {
  it('reads the days from PayPay file names', () => {
    expect(periodOf('https://f.test/kyc_passport_M1_20260801_20260801.csv?x=1', 0)).toEqual({
      from: '2026-08-01',
      to: '2026-08-01',
    });
    expect(periodOf('https://f.test/kyc_passport_risk_C9_20260801_20260803.csv', 0)).toEqual({
      from: '2026-08-01',
      to: '2026-08-03',
    });
  });

  it('falls back to the JST day before requestedAt', () => {
    // 2026-08-02 03:00 JST is 2026-08-01 18:00 UTC.
    const requestedAt = Date.UTC(2026, 7, 1, 18);
    expect(periodOf('https://f.test/file.csv', requestedAt)).toEqual({
      from: '2026-08-01',
      to: '2026-08-01',
    });
    expect(periodOf('https://f.test/kyc_passport_M1_20261399_20261399.csv', requestedAt).from).toBe(
      '2026-08-01',
    );
  });
});

describe('recon downloads refuse what is not an allowed host', () => {
  const hosts = new Set(['sandbox.test', '127.0.0.1:8788']);

  it.each([
    ['another host', 'https://evil.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['a look-alike host', 'https://sandbox.test.evil.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['a trailing-dot host', 'https://sandbox.test./f.csv', 'HOST_NOT_ALLOWED'],
    ['another port', 'https://sandbox.test:8443/f.csv', 'HOST_NOT_ALLOWED'],
    ['an IPv4 literal', 'https://127.0.0.1/f.csv', 'HOST_NOT_ALLOWED'],
    ['a decimal IPv4 literal', 'https://2130706433/f.csv', 'HOST_NOT_ALLOWED'],
    ['an IPv6 literal', 'https://[::1]/f.csv', 'HOST_NOT_ALLOWED'],
    ['a metadata address', 'https://169.254.169.254/latest', 'HOST_NOT_ALLOWED'],
    ['http to a public host', 'http://sandbox.test/f.csv', 'PATH_NOT_HTTPS'],
    [
      'userinfo naming the allowed host',
      'https://sandbox.test@evil.test/f.csv',
      'PATH_HAS_USERINFO',
    ],
    [
      'userinfo before the allowed host',
      'https://evil.test@sandbox.test/f.csv',
      'PATH_HAS_USERINFO',
    ],
    ['a password', 'https://u:p@sandbox.test/f.csv', 'PATH_HAS_USERINFO'],
    ['a backslash trick', 'https://evil.test\\@sandbox.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['another scheme', 'ftp://sandbox.test/f.csv', 'PATH_NOT_HTTPS'],
    ['a file URL', 'file:///etc/passwd', 'PATH_NOT_HTTPS'],
  ])('%s, without fetching anything', async (_name, path, reason) => {
    expect(refusalOf(path, hosts)).toBe(reason);
    const seen: string[] = [];
    const result = await downloadRecon(path, {
      allowedHosts: hosts,
      fetch: async (input) => {
        seen.push(String(input));
        return new Response('userAuthorizationId\r\n');
      },
    });
    expect(result).toEqual({ ok: false, error: reason });
    expect(seen).toEqual([]);
  });

  it('allows https to a listed host, and http only to a listed loopback host', () => {
    expect(refusalOf('https://SANDBOX.test:443/f.csv?x=1', hosts)).toBeNull();
    expect(refusalOf('http://127.0.0.1:8788/f.csv', hosts)).toBeNull();
    expect(refusalOf('http://127.0.0.1:9999/f.csv', hosts)).toBe('HOST_NOT_ALLOWED');
  });

  it('follows a redirect to the same host a bounded number of times, never to another host', async () => {
    const seen: string[] = [];
    const redirecting = (to: (n: number) => string) => async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return new Response(null, { status: 302, headers: { Location: to(seen.length) } });
    };
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting(() => 'https://evil.test/b.csv'),
      }),
    ).toEqual({ ok: false, error: 'REDIRECT_NOT_ALLOWED' });
    expect(seen).toEqual(['https://sandbox.test/a.csv']);

    seen.length = 0;
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting(() => 'http://sandbox.test/b.csv'),
      }),
    ).toEqual({ ok: false, error: 'REDIRECT_NOT_ALLOWED' });

    seen.length = 0;
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting((n) => `/hop${n}.csv`),
      }),
    ).toEqual({ ok: false, error: 'TOO_MANY_REDIRECTS' });
    expect(seen).toHaveLength(4);
    expect(seen.every((url) => new URL(url).host === 'sandbox.test')).toBe(true);
  });

  it('bounds size and time', async () => {
    const big = 'userAuthorizationId\r\n' + 'u-1\r\n'.repeat(100);
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        maxBytes: 100,
        fetch: async () => new Response(new Blob([big]).stream()),
      }),
    ).toEqual({ ok: false, error: 'FILE_TOO_LARGE' });
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        maxBytes: 100,
        fetch: async () => new Response('x', { headers: { 'Content-Length': '999999' } }),
      }),
    ).toEqual({ ok: false, error: 'FILE_TOO_LARGE' });
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        timeoutMs: 50,
        fetch: (_input, init) =>
          new Promise((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
      }),
    ).toEqual({ ok: false, error: 'TIMEOUT' });
  });
});

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
    expect(
      (
        await postWebhook('kyc', {
          notification_type: 'kyc_passport.kyc_info.updated',
          notification_id: uid('evt'),
          user_authorization_id: seenToday,
        })
      ).status,
    ).toBe(200);

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
