// A stand-in for the Worker's console API, for the console's browser test and
// its screenshots: serves a built console (dist/console) under /console/ and
// answers its calls under /console/api with fixed numbers made here: 9
// created, 7 completed, 2 failed declined, one recon file missing, a failed
// and a pending forward, a user (found by id, or by its referenceId order-42),
// the doctor's rows. Loopback only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const HOUR = 3600_000;

/** The counters' totals the fake answers, spread over the period's last buckets. */
export const FAKE_TOTALS = {
  'sessions.created:public': 9,
  'sessions.shown:public': 9,
  'sessions.authorized:public': 8,
  'sessions.completed:public': 7,
  'sessions.failed:declined': 2,
  'forwards:delivered': 12,
  'forwards:retried': 3,
  'forwards:failed': 1,
  'webhooks.received:kyc': 6,
  'recon.files:received': 5,
  'recon.files:missing': 1,
};

/** A MetricsAnswer for the asked period, with {@link FAKE_TOTALS} in it. */
export function fakeMetrics(from, to, step) {
  const size = step === 'hour' ? HOUR : 24 * HOUR;
  const start = Math.floor(from.getTime() / size) * size;
  const ats = [];
  for (let at = start; at < to.getTime(); at += size) ats.push(new Date(at).toISOString());
  const counters = {};
  for (const [name, total] of Object.entries(FAKE_TOTALS)) {
    // Spread over the last three buckets, the remainder in the last: a shape to draw.
    const points = ats.map((at) => ({ at, value: 0 }));
    const spread = points.slice(-3);
    spread.forEach((p, i) => {
      p.value = i < spread.length - 1 ? Math.floor(total / spread.length) : 0;
    });
    const last = spread.at(-1);
    if (last) last.value = total - spread.reduce((n, p) => n + p.value, 0);
    counters[name] = points;
  }
  const today = new Date(to.getTime() + 9 * HOUR).toISOString().slice(0, 10);
  const days = [];
  for (let i = 6; i >= 0; i--) {
    days.push(new Date(Date.parse(today) - i * 24 * HOUR).toISOString().slice(0, 10));
  }
  const reconDays = days.map((day, i) => ({
    day,
    files: {
      kyc: i === 6 ? 'pending' : i === 4 ? 'missing' : 'received',
      risk: i === 6 ? 'pending' : i === 2 ? 'late' : 'received',
    },
  }));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    step,
    counters,
    completionSeconds: { buckets: [10, 20, 30, 60, 120, 300], counts: [0, 2, 3, 1, 1, 0, 0] },
    now: {
      usersByStanding: { OK: 5, KYC_UPDATE_REQUIRED: 1 },
      authorizationsExpiring: { days7: 1, days30: 3 },
    },
    reconDays,
  };
}

export const FAKE_DELIVERIES = {
  failed: [
    {
      eventId: 'evt_failed_0001',
      type: 'risk.flagged',
      status: 'failed',
      attempts: 8,
      lastError: 'HTTP 500 from the merchant endpoint',
      nextAttemptAt: null,
      occurredAt: '2026-05-01T01:02:03.000Z',
    },
  ],
  pending: [
    {
      eventId: 'evt_pending_0002',
      type: 'recon.overdue',
      status: 'pending',
      attempts: 1,
      lastError: 'timeout',
      nextAttemptAt: '2026-05-01T01:10:00.000Z',
      occurredAt: '2026-05-01T01:05:00.000Z',
    },
  ],
};

export const FAKE_USER = {
  userAuthorizationId: 'uaid-console-1',
  kyc: {
    lastAt: '2026-05-01T00:00:00.000Z',
    source: 'webhook',
    count: 1,
    recent: [{ eventId: 'evt_kyc_0003', at: '2026-05-01T00:00:00.000Z', source: 'webhook' }],
  },
  risk: null,
  accountStatus: null,
  standing: {
    value: 'OK',
    checkedAt: '2026-05-01T00:00:00.000Z',
    changedAt: '2026-05-01T00:00:00.000Z',
  },
  reread: { due: false, dueAt: null, lastError: null },
  authorization: {
    status: 'ACTIVE',
    scopes: ['kyc_passport'],
    expiresAt: '2026-06-01T00:00:00.000Z',
    issuedAt: '2026-05-01T00:00:00.000Z',
    referenceId: 'order-42',
    referenceIdMode: 'merchant',
    checkedAt: '2026-05-01T00:00:00.000Z',
  },
  verifiedAt: '2026-05-01T00:00:00.000Z',
  forget: null,
  updatedAt: '2026-05-01T00:00:00.000Z',
};

export const FAKE_DOCTOR = {
  requestId: 'req_000000000000000000000001',
  checks: [
    { check: 'settings', ok: true, detail: 'every required setting is set' },
    { check: 'clock', ok: true, detail: 'within 2 s of PayPay' },
    { check: 'webhooks', ok: false, detail: 'WEBHOOK_PATH_TOKEN is not set' },
  ],
};

/**
 * Starts the fake on a free loopback port. `calls` records each API call
 * (method, path and query) so a test can see a resend or a forget was sent.
 */
export async function startConsoleFake(distDir) {
  const calls = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const json = (status, body) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/console/api/')) {
      const path = url.pathname.slice('/console/api'.length);
      calls.push(`${request.method} ${path}${url.search}`);
      const q = url.searchParams;
      if (path === '/v1/metrics') {
        const to = new Date(q.get('to') ?? Date.now());
        const from = new Date(q.get('from') ?? to.getTime() - 7 * 24 * HOUR);
        return json(200, fakeMetrics(from, to, q.get('step') ?? 'day'));
      }
      if (path === '/v1/deliveries') {
        const list = FAKE_DELIVERIES[q.get('status') ?? 'failed'] ?? [];
        return json(200, { deliveries: list, count: list.length });
      }
      const resend = /^\/v1\/deliveries\/([^/]+)\/resend$/.exec(path);
      if (resend && request.method === 'POST') {
        return json(202, { eventId: decodeURIComponent(resend[1]), status: 'pending' });
      }
      if (path === '/v1/users') {
        // Found by the merchant's referenceId: FAKE_USER's only.
        const found = q.get('referenceId') === FAKE_USER.authorization.referenceId;
        const users = found
          ? [
              {
                userAuthorizationId: FAKE_USER.userAuthorizationId,
                referenceIdMode: FAKE_USER.authorization.referenceIdMode,
                verifiedAt: FAKE_USER.verifiedAt,
                standing: FAKE_USER.standing.value,
              },
            ]
          : [];
        return json(200, { users, count: users.length });
      }
      if (path === `/v1/users/${FAKE_USER.userAuthorizationId}`) {
        if (request.method === 'DELETE')
          return json(202, { status: 'forgetting', requestId: 'req_forget' });
        return json(200, FAKE_USER);
      }
      if (path.startsWith('/v1/users/')) {
        return json(404, {
          error: {
            code: 'USER_NOT_FOUND',
            message: 'Nothing is known about this user',
            requestId: 'req_x',
          },
        });
      }
      if (path === '/v1/doctor') return json(200, FAKE_DOCTOR);
      return json(404, {
        error: { code: 'NOT_FOUND', message: 'No such route', requestId: 'req_y' },
      });
    }
    if (url.pathname === '/console') {
      response.writeHead(308, { Location: '/console/' });
      return response.end();
    }
    const file =
      url.pathname === '/console/' ? 'index.html' : url.pathname.slice('/console/'.length);
    const safe = normalize(file).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(distDir, safe));
      response.writeHead(200, {
        'Content-Type': TYPES[extname(safe)] ?? 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/console/`,
    calls,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
