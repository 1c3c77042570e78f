import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../worker/settings/config';
import { MAX_LINE_CHARS, parseReconCsv, ReconCsvReader } from '../../../worker/recon/csv';
import { processRecon, RECON_LIMITS } from '../../../worker/recon/process';
import { periodOf } from '../../../worker/recon/period';
import { sandboxAdmin } from '../support/sandbox';
import { claimFile, cron, eventsAfter, feed, tailCursor, uid } from '../support/webhooks';

const encode = (text: string) => new TextEncoder().encode(text);

/** Reads `bytes` cut at `cuts` (byte offsets), as a download's chunks would arrive. */
function readInChunks(bytes: Uint8Array, cuts: number[], maxLines?: number) {
  const reader = new ReconCsvReader(maxLines ? { maxLines } : {});
  const ids: string[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const error = reader.write(bytes.subarray(at, cut), ids);
    if (error) return { ok: false, reason: error };
    at = cut;
  }
  const error = reader.end(ids);
  if (error) return { ok: false, reason: error };
  return { ok: true, ids, ...reader.summary() };
}

function whole(bytes: Uint8Array) {
  const result = parseReconCsv(bytes);
  return result.ok ? { ok: true, ...result.value } : { ok: false, reason: result.error };
}

/** Every line-end style, a BOM, quotes (with a comma inside), blank lines, multi-byte junk. */
const SAMPLE = encode(
  '\uFEFFupdatedAt,userAuthorizationId\r\n' +
    '"2026-08-01, 10:00",u-1\r\n' +
    '2026-08-01,"u-2"\n' +
    '\r\n' +
    'x,日本語のメモ\r' +
    '2026-08-01,  u-3  \r\n' +
    '😀,"u""4"\r\n' +
    'y,u-5',
);

describe('the recon CSV read as a stream', () => {
  it('gives the whole-file result wherever the bytes are cut in two', () => {
    const expected = whole(SAMPLE);
    expect(expected).toEqual({
      ok: true,
      ids: ['u-1', 'u-2', 'u-3', 'u-5'],
      junk: 2,
      junkLines: [5, 7],
      header: true,
    });
    // Cuts inside the BOM, inside every CRLF, inside quotes, inside every multi-byte character.
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      expect(readInChunks(SAMPLE, [cut]), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('gives the whole-file result one byte at a time, and in random chunks', () => {
    const expected = whole(SAMPLE);
    const everyByte = Array.from({ length: SAMPLE.length - 1 }, (_, i) => i + 1);
    expect(readInChunks(SAMPLE, everyByte)).toEqual(expected);
    for (let round = 0; round < 50; round++) {
      const cuts = everyByte.filter(() => Math.random() < 0.2);
      expect(readInChunks(SAMPLE, cuts), `cuts ${cuts.join(',')}`).toEqual(expected);
    }
  });

  it('keeps line numbers right across a CRLF split between chunks (not a blank line)', () => {
    const bytes = encode('u-1\r\nnot an id\r\nu-2\r\n');
    expect(readInChunks(bytes, [4])).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 1,
      junkLines: [2],
      header: false,
    });
  });

  it('takes a BOM split over three chunks as a BOM, then the header', () => {
    const bytes = encode('\uFEFFuserAuthorizationId\nu-1\n');
    expect(readInChunks(bytes, [1, 2, 3])).toMatchObject({ ids: ['u-1'], header: true, junk: 0 });
  });

  it('refuses bytes that are not UTF-8 in a later chunk, and a character cut off at the end', () => {
    const bad = new Uint8Array([...encode('u-1\nu-2\n'), 0xff, 0x0a]);
    expect(readInChunks(bad, [4, 8])).toEqual({ ok: false, reason: 'NOT_UTF8' });
    const cutOff = encode('u-1\n日').subarray(0, 6);
    expect(readInChunks(cutOff, [4])).toEqual({ ok: false, reason: 'NOT_UTF8' });
  });

  it('counts an overlong line as one junk line without holding it, and reads on', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 3);
    const bytes = encode(`u-1\r\n${long}\r\nu-2\r\n${long}`);
    const cuts = Array.from({ length: 40 }, (_, i) => 5 + i * 400);
    expect(readInChunks(bytes, cuts)).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 2,
      junkLines: [2, 4],
      header: false,
    });
  });

  it('refuses a file with more lines than allowed', () => {
    const bytes = encode('u-1\nu-2\nu-3\n');
    expect(readInChunks(bytes, [2], 3)).toMatchObject({ ok: true, ids: ['u-1', 'u-2', 'u-3'] });
    expect(readInChunks(bytes, [2], 2)).toEqual({ ok: false, reason: 'FILE_TOO_LARGE' });
  });
});

type FileRow = {
  state: string;
  attempts: number;
  processed: number;
  missed: number;
  ids_total: number | null;
  lease_until: number | null;
  last_error: string | null;
};

function fileRow(notificationId: string): Promise<FileRow> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<FileRow>(
        `SELECT state, attempts, processed, missed, ids_total, lease_until, last_error
         FROM recon_files WHERE notification_id = ?`,
        notificationId,
      )
      .one(),
  );
}

/** A body that arrives in chunks of `size` bytes. */
function chunked(text: string, size: number): Response {
  const bytes = encode(text);
  let at = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, (at += size)));
      },
    }),
  );
}

describe('processing a recon file as a stream', () => {
  const config = parseConfig(env as unknown as Record<string, string>);

  it('records every id of a file that arrives in small chunks, once', async () => {
    const ids = Array.from({ length: 300 }, () => uid('s'));
    const csv = `\uFEFFuserAuthorizationId\r\n${ids.join('\r\n')}\r\nnot an id\r\n`;
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const cursor = await tailCursor();
    expect(await processRecon(env, config, claim, now, async () => chunked(csv, 7))).toBe('done');
    const misses = (await eventsAfter(cursor)).filter((e) => e.type === 'recon.missed');
    expect(misses.map((e) => e.userAuthorizationId)).toEqual(ids);
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'done',
      ids_total: 300,
      missed: 300,
      processed: 300,
    });
  });

  it('pauses when its share of the invocation is used and resumes from processed', async () => {
    const batch = RECON_LIMITS.batch;
    const ids = Array.from({ length: 2 * batch + 500 }, (_, i) => `resume-${uid('r')}-${i}`);
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const cursor = await tailCursor();
    const csv = (list: string[]) => `userAuthorizationId\n${list.join('\n')}\n`;
    // The download, two batches and the pause: the rest waits for the next run.
    const budget = { deadline: Date.now() + 60_000, calls: 4 };
    const first = await processRecon(
      env,
      config,
      claim,
      now,
      async () => chunked(csv(ids), 4096),
      budget,
    );
    expect(first).toBe('paused');
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'pending',
      processed: 2 * batch,
      missed: 2 * batch,
      lease_until: null,
      // A pause is not an attempt.
      attempts: 0,
      last_error: null,
    });
    // Due at once. The next download's first ids differ: they are read, not sent again.
    const [again] = (await feed().dueRecon(now + 1, 10)).value;
    expect(again).toMatchObject({ notificationId, processed: 2 * batch });
    const changed = [...ids.slice(0, 2 * batch).map((id) => `${id}-x`), ...ids.slice(2 * batch)];
    expect(
      await processRecon(env, config, again!, now + 1, async () => chunked(csv(changed), 4096)),
    ).toBe('done');
    const misses = (await eventsAfter(cursor)).filter((e) => e.type === 'recon.missed');
    expect(misses.map((e) => e.userAuthorizationId)).toEqual(ids);
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'done',
      attempts: 1,
      ids_total: ids.length,
      missed: ids.length,
    });
  });

  it('releases a file at once, without downloading, when the budget is already used', async () => {
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    let downloads = 0;
    const fetchFn = async () => {
      downloads++;
      return new Response(`${uid('u')}\n`);
    };
    const spent = { deadline: Date.now() - 1, calls: 100 };
    expect(await processRecon(env, config, claim, now, fetchFn, spent)).toBe('paused');
    expect(downloads).toBe(0);
    expect(await fileRow(notificationId)).toMatchObject({ state: 'pending', lease_until: null });
  });

  it('is resumed by the next cron run', async () => {
    const ids = [uid('c'), uid('c')];
    const created = await sandboxAdmin('POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ids,
      notify: false,
    });
    const { path } = await created.json<{ path: string }>();
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now, { path, period: periodOf(path, now) });
    const cursor = await tailCursor();
    const spent = { deadline: Date.now() - 1, calls: 100 };
    expect(await processRecon(env, config, claim, now, undefined, spent)).toBe('paused');
    await cron(now + 1000);
    expect(await fileRow(notificationId)).toMatchObject({ state: 'done', attempts: 1, missed: 2 });
    const misses = (await eventsAfter(cursor)).filter((e) => e.type === 'recon.missed');
    expect(misses.map((e) => e.userAuthorizationId)).toEqual(ids);
  });

  it('reports more lines than a file may have as FILE_TOO_LARGE, retried like a failed download', async () => {
    const notificationId = crypto.randomUUID();
    const now = Date.now();
    const claim = await claimFile(notificationId, now);
    const lines = RECON_LIMITS.maxLines + 1;
    // Blank lines: counted, never sent.
    const line = encode('\n');
    let sent = 0;
    const fetchFn = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= lines) return controller.close();
            const n = Math.min(65_536, lines - sent);
            const chunk = new Uint8Array(n * line.length);
            for (let i = 0; i < n; i++) chunk.set(line, i * line.length);
            sent += n;
            controller.enqueue(chunk);
          },
        }),
      );
    expect(await processRecon(env, config, claim, now, fetchFn)).toBe('retry');
    expect(await fileRow(notificationId)).toMatchObject({
      state: 'pending',
      last_error: 'FILE_TOO_LARGE',
    });
  });
});
