import { describe, expect, it } from 'vitest';
import { call } from '../support/webhooks';
import { MERCHANT_TOKEN, ORIGIN } from '../support/flow';

// Every route, with hostile paths, methods, bodies and headers: no input may
// reach a 500, and every error is our JSON shape. The inputs are a fixed,
// seeded mix so a failure can be replayed.

const ROUTES = [
  '/healthz',
  '/v1/doctor',
  '/v1/sessions',
  '/v1/sessions/{id}',
  '/v1/sessions/{id}/events',
  '/v1/callback',
  '/v1/callback/done',
  '/v1/results/exchange',
  '/v1/users/{id}',
  '/v1/users/{id}/kyc',
  '/v1/users/{id}/kyc-info',
  '/v1/events',
  '/v1/webhooks/paypay/{id}',
  '/v1/webhooks/paypay/{id}/kyc',
];
const SEGMENTS = [
  '%',
  '%zz',
  '%00',
  '..',
  'a'.repeat(3000),
  'é',
  '%F0%9F%92%A9',
  '<script>',
  '',
  ' ',
];
const QUERIES = [
  '',
  '?after=-1',
  '?limit=1e9',
  '?after=%',
  '?responseToken=' + 'x'.repeat(5000),
  '?a=1&a=2',
  '?outcome=completed&lang=xx&at=1e99&sig=%&sig=',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const BODIES: Array<string | Uint8Array | null> = [
  null,
  '{',
  '[]',
  'null',
  '{"resultToken":{"$gt":""}}',
  '{"referenceId":[1,2],"lang":{"x":1},"redirectType":7}',
  JSON.stringify({ notification_type: 'kyc_passport.kyc_info.updated', notification_id: 1 }),
  'x'.repeat(100_000),
  new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
];
const HEADERS: Array<Record<string, string>> = [
  {},
  { Origin: 'https://evil.example' },
  { Origin: ORIGIN, 'Content-Type': 'application/json' },
  { Authorization: 'Bearer wrong-token-wrong-token-wrong' },
  { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'text/plain' },
  { Authorization: 'Basic Zm9vOmJhcg==', 'Content-Type': 'application/json; charset=latin1' },
  { 'CF-Connecting-IP': 'not-an-ip', 'Accept-Language': 'x'.repeat(2000) },
];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

describe('fuzz of every route', () => {
  it('answers 3000 hostile requests without a single 500, each error in our JSON shape', async () => {
    const next = random(20261201);
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const route = pick(next, ROUTES).replace(
        '{id}',
        encodeURI(pick(next, SEGMENTS)).replaceAll('%25', '%'),
      );
      const path = route.replace(/^\/\//, '/') + pick(next, QUERIES);
      const method = pick(next, METHODS);
      const body = method === 'GET' || method === 'HEAD' ? null : pick(next, BODIES);
      const headers = pick(next, HEADERS);
      let response: Response;
      try {
        response = await call(path, { method, headers, body });
      } catch (error) {
        failures.push(`${method} ${path.slice(0, 80)}: threw ${String(error).slice(0, 80)}`);
        continue;
      }
      const text = method === 'HEAD' ? '' : await response.text();
      if (response.status >= 500 && response.status !== 503 && response.status !== 502) {
        failures.push(`${method} ${path.slice(0, 80)}: ${response.status} ${text.slice(0, 120)}`);
      }
      const type = response.headers.get('Content-Type') ?? '';
      if (response.status >= 400 && method !== 'HEAD' && type.includes('application/json')) {
        const parsed = JSON.parse(text) as { error?: { code?: unknown; requestId?: unknown } };
        if (typeof parsed.error?.code !== 'string' || typeof parsed.error.requestId !== 'string')
          failures.push(
            `${method} ${path.slice(0, 80)}: error not in our shape: ${text.slice(0, 120)}`,
          );
      }
      if (response.headers.get('X-Content-Type-Options') !== 'nosniff')
        failures.push(`${method} ${path.slice(0, 80)}: no nosniff`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
