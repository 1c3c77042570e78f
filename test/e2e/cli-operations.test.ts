import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsAnswer } from '../../shared/metrics';
import { cli, events, onWorker, root, trigger } from './cli';

// Issue 24's commands: listen against the stack (a local receiver checks each
// POST with the package's verifyEvent), deliveries / resend against the stack
// (it forwards nothing: MERCHANT_WEBHOOK_URL unset) and against a fake Worker
// with an outbox, status against a fake GET /v1/metrics.

const TOKEN = 'fake-worker-token-0123456789abcdef';

/** A local server; its URL. */
async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('paypay-kyc listen', () => {
  it('re-posts a new event to the local server, signed so verifyEvent accepts it', async () => {
    const { verifyEvent } = (await import(join(root, 'dist/server/index.js'))) as {
      verifyEvent: (body: string, headers: Headers, secret: string) => Promise<{ id: string }>;
    };
    const received: { body: string; headers: Headers }[] = [];
    const receiver = await serve((req, body, res) => {
      received.push({ body, headers: new Headers(req.headers as Record<string, string>) });
      res.writeHead(204).end();
    });
    // The feed's end: only the event triggered next comes after it.
    let { events: page, cursor } = await events(undefined, 1000);
    while (page.length === 1000) ({ events: page, cursor } = await events(cursor, 1000));
    const uaid = `listen-${crypto.randomUUID()}`;
    const notificationId = await trigger('kyc', uaid);
    // The stack's cron may have added an event meanwhile (a recon.overdue): forward up to ours.
    const after = (await events(cursor)).events;
    const n = after.findIndex((e) => e.notificationId === notificationId) + 1;
    expect(n).toBeGreaterThan(0);

    const run = await cli([
      'listen',
      ...onWorker(),
      '--forward-to',
      `${receiver}/hooks`,
      '--after',
      cursor,
      '--events',
      String(n),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const secret = /signing secret is (whsec_[A-Za-z0-9+/=]+)/.exec(run.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(received).toHaveLength(n);
    const verified = await Promise.all(
      received.map(({ body, headers }) => verifyEvent(body, headers, secret!)),
    );
    expect(verified.map((e) => e.id)).toEqual(after.slice(0, n).map((e) => e.id));
    const event = verified.at(-1)!;
    expect(event).toMatchObject({ type: 'kyc.updated', userAuthorizationId: uaid, notificationId });
    expect(run.stdout).toMatch(new RegExp(`kyc\\.updated +${event.id}  -> 204`));
    expect(run.stderr).toContain(`${n} forwarded, 0 refused`);
    // Another secret, or a changed body, and the receiver's check fails.
    const last = received.at(-1)!;
    const other = 'whsec_' + btoa('x'.repeat(32));
    await expect(verifyEvent(last.body, last.headers, other)).rejects.toThrow();
    await expect(
      verifyEvent(last.body.replace('}', ' }'), last.headers, secret!),
    ).rejects.toThrow();
  });

  it('needs --forward-to, an http(s) URL', async () => {
    for (const args of [[], ['--forward-to', 'ftp://x']]) {
      const run = await cli(['listen', ...onWorker(), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--forward-to');
    }
  });
});

describe('paypay-kyc deliveries and resend', () => {
  let endpoint = '';
  const resent: string[] = [];
  beforeAll(async () => {
    endpoint = await serve((req, _body, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'no', requestId: 'r' } });
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/v1/deliveries') {
        const all = [
          { eventId: 'ev_7', type: 'kyc.updated', status: 'failed', attempts: 9 },
          { eventId: 'ev_8', type: 'recon.overdue', status: 'pending', attempts: 1 },
        ].map((d) => ({
          ...d,
          lastError: 'HTTP 500',
          nextAttemptAt: d.status === 'failed' ? null : '2026-08-01T00:05:00.000Z',
          occurredAt: '2026-08-01T00:00:00.000Z',
        }));
        const status = url.searchParams.get('status');
        const deliveries = all.filter((d) => status === null || d.status === status);
        return json(res, 200, { deliveries, count: deliveries.length, forwarding: true });
      }
      const resend = /^\/v1\/deliveries\/(ev_\d+)\/resend$/.exec(url.pathname);
      if (req.method === 'POST' && resend) {
        if (resend[1] !== 'ev_7') {
          return json(res, 404, {
            error: { code: 'NOT_FOUND', message: 'No event', requestId: 'r' },
          });
        }
        resent.push(resend[1]);
        return json(res, 202, { eventId: resend[1], status: 'pending' });
      }
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'no', requestId: 'r' } });
    });
  });
  const fake = (args: string[]) =>
    cli([...args, '--endpoint', endpoint], { MERCHANT_API_TOKEN: TOKEN });

  it('lists what is owed, one line each; exit 1 while some failed', async () => {
    const run = await fake(['deliveries']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      '2026-08-01T00:00:00.000Z  failed   kyc.updated             attempts=9  last=HTTP 500  next=-  ev_7',
      '2026-08-01T00:00:00.000Z  pending  recon.overdue           attempts=1  last=HTTP 500  next=2026-08-01T00:05:00.000Z  ev_8',
    ]);
    const failed = await fake(['deliveries', '--failed', '--json']);
    expect(
      failed.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).eventId),
    ).toEqual(['ev_7']);
    expect(failed.stderr).toContain('1 failed delivery in all');
  });

  it('resends an event, and says so when the Worker knows no such event', async () => {
    const run = await fake(['resend', 'ev_7']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ev_7 queued');
    expect(resent).toEqual(['ev_7']);
    const unknown = await fake(['resend', 'ev_99']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('404 NOT_FOUND');
    expect((await fake(['resend', 'nope'])).code).toBe(2);
  });

  it('against the stack, which forwards nothing: says so, and resend is refused', async () => {
    const run = await cli(['deliveries', ...onWorker(), '--json']);
    expect([run.code, run.stdout]).toEqual([0, '']);
    expect(run.stderr).toContain('MERCHANT_WEBHOOK_URL is not set');
    const refused = await cli(['resend', 'ev_1', ...onWorker()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('403 FEATURE_DISABLED');
  });
});

const RECON_STATES = ['received', 'late', 'missing', 'pending'] as const;

describe('paypay-kyc status', () => {
  const day = (i: number) => `2026-08-0${i + 1}`;
  const points = (values: number[]) =>
    values.map((value, i) => ({ at: `${day(i)}T00:00:00.000Z`, value }));
  const metrics: MetricsAnswer = {
    from: '2026-08-01T00:00:00.000Z',
    to: '2026-08-04T00:00:00.000Z',
    step: 'day',
    counters: {
      'sessions.created:public': points([2, 4, 8, 0]),
      'sessions.completed:public': points([1, 2, 4, 0]),
      'sessions.failed:DECLINED': points([0, 2, 0, 0]),
      'forwards:delivered': points([3, 0, 0, 0]),
    },
    completionSeconds: { buckets: [10, 20, 30, 60, 120, 300], counts: [0, 7, 0, 0, 0, 0, 0] },
    now: {
      usersByStanding: { OK: 5, CANCELED_USER: 1 },
      authorizationsExpiring: { days7: 1, days30: 3 },
    },
    reconDays: [0, 1, 2, 3].map((i) => ({
      day: day(i),
      files: { kyc_passport_sync_recon: RECON_STATES[i]! },
    })),
  };
  let endpoint = '';
  const queries: URLSearchParams[] = [];
  beforeAll(async () => {
    endpoint = await serve((req, _body, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization !== `Bearer ${TOKEN}` || url.pathname !== '/v1/metrics') {
        return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'no', requestId: 'r' } });
      }
      queries.push(url.searchParams);
      json(res, 200, metrics);
    });
  });
  const status = (args: string[]) =>
    cli(['status', '--endpoint', endpoint, ...args], { MERCHANT_API_TOKEN: TOKEN });

  it('prints the funnel with sparklines, reasons, recon, forwarding and standings', async () => {
    const run = await status(['--days', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/created +14 +▃▅█▁/);
    expect(run.stdout).toMatch(/completed +7 +▃▅█▁/);
    expect(run.stdout).toMatch(/DECLINED +2/);
    expect(run.stdout).toMatch(/kyc_passport_sync_recon ■▲✗·/);
    expect(run.stdout).toMatch(/delivered +3/);
    expect(run.stdout).toMatch(/CANCELED_USER +1/);
    expect(run.stdout).toMatch(/in 30 days +3/);
    const query = queries.at(-1)!;
    expect(query.get('step')).toBe('day');
    const span = Date.parse(query.get('to')!) - Date.parse(query.get('from')!);
    expect(span).toBe(3 * 86_400_000);
  });

  it('--json prints the answer as it came', async () => {
    const run = await status(['--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(metrics);
  });
});
