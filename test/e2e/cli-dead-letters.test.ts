import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli';

/**
 * A Worker's two dead-letter routes, answering as the Worker does, with 250
 * parked notifications, two of them unreadable at the front: enough for
 * `--replay` to take rounds, report its progress and stop where the Worker
 * cannot go on. (The stack holds none: only a shard failing every retry
 * parks one; test/worker/queues/dead-letters.test.ts tests the routes.)
 */
const TOKEN = 'fake-worker-token-0123456789abcdef';
let parked: { id: string; kind: string | null }[] = [];
const replayLimits: number[] = [];

function worker(request: IncomingMessage, response: ServerResponse): void {
  const json = (status: number, body: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    json(401, { error: { code: 'UNAUTHORIZED', message: 'no', requestId: 'req_x' } });
    return;
  }
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method === 'GET' && url.pathname === '/v1/dead-letters') {
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const deadLetters = parked.slice(0, limit).map(({ id, kind }) => ({
      id,
      attempts: 1,
      parkedAt: '2026-08-01T00:00:00.000Z',
      kind,
      notificationId: kind === null ? null : `evt-${id}`,
      ...(kind === null ? {} : { userAuthorizationId: `u-${id}` }),
    }));
    json(200, { deadLetters, count: parked.length });
    return;
  }
  if (request.method === 'POST' && url.pathname === '/v1/dead-letters/replay') {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const { limit } = JSON.parse(text) as { limit: number };
      replayLimits.push(limit);
      const taken = parked.slice(0, limit);
      const sent = taken.filter((letter) => letter.kind !== null);
      parked = parked.filter((letter) => !sent.includes(letter));
      json(200, {
        replayed: sent.length,
        skipped: taken.length - sent.length,
        remaining: parked.length,
      });
    });
    return;
  }
  json(404, { error: { code: 'NOT_FOUND', message: 'no', requestId: 'req_x' } });
}

describe('paypay-kyc dead-letters', () => {
  const server = createServer(worker);
  let endpoint = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lists the oldest, one line each, and says how many there are in all', async () => {
    parked = Array.from({ length: 250 }, (_, i) => ({ id: `m${i}`, kind: 'kyc' }));
    const run = await cli(['dead-letters', '--endpoint', endpoint, '--limit', '3'], {
      MERCHANT_API_TOKEN: TOKEN,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(
      [0, 1, 2].map(
        (i) => `2026-08-01T00:00:00.000Z  kyc             evt-m${i}  u-m${i}  attempts=1  id=m${i}`,
      ),
    );
    expect(run.stderr).toContain('250 dead letters in all, the oldest 3 shown');
  });

  it('--replay sends them round by round with its progress, and says what stayed', async () => {
    parked = [
      { id: 'junk0', kind: null },
      { id: 'junk1', kind: null },
      ...Array.from({ length: 248 }, (_, i) => ({ id: `m${i}`, kind: 'risk' })),
    ];
    const run = await cli(['dead-letters', '--endpoint', endpoint, '--replay', '--limit', '100'], {
      MERCHANT_API_TOKEN: TOKEN,
    });
    // Two unreadable ones stay: done, but not all of it.
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'replayed 98 of 250; 152 left',
      'replayed 196 of 250; 54 left',
      'replayed 248 of 250; 2 left',
      'replayed 248 of 250; 2 left',
    ]);
    expect(run.stdout).toContain('Replayed 248 dead letters; 2 left parked (2 not a notification');
    expect(replayLimits.slice(-4)).toEqual([100, 100, 100, 100]);
  });

  it('refuses a bad --limit, and says when the token is wrong (exit 2)', async () => {
    const bad = await cli(['dead-letters', '--endpoint', endpoint, '--limit', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be an integer from 1 to 1000');
    const refused = await cli(['dead-letters', '--endpoint', endpoint], {
      MERCHANT_API_TOKEN: 'not-the-token-0123456789',
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused the token \(401 UNAUTHORIZED\)/);
  });
});
