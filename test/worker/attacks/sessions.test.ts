import { Buffer } from 'node:buffer';
import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import handler from '../../../worker/index';
import {
  arrive,
  exchange,
  MERCHANT_TOKEN,
  newSession,
  ORIGIN,
  phone,
  postSession,
  sessionObjectOf,
  worker,
  WORKER_ORIGIN,
} from '../support/flow';
import { sandboxSession } from '../support/sandbox';

// Issue 12, items 3 and 4, played as an attacker would: what leaves the page
// must not lead back to the session id, and floods of creations are bounded.

afterEach(() => vi.restoreAllMocks());

/** Every spelling of `value` we could imagine leaking: raw, base64(url), hex, percent. */
function spellings(value: string): string[] {
  const bytes = Buffer.from(value);
  const out = [value, bytes.toString('hex'), [...bytes].map((b) => `%${b.toString(16)}`).join('')];
  // Inside a longer encoded text, base64 depends on where the value starts: all three offsets.
  for (const pad of ['', 'x', 'xx']) {
    for (const kind of ['base64', 'base64url'] as const) {
      const text = Buffer.from(pad + value).toString(kind);
      out.push(text.slice(Math.ceil((pad.length * 4) / 3), -3));
    }
  }
  return out.map((s) => s.toLowerCase());
}

/** Fails when any spelling of the session id (or its secret part alone) is in `haystack`. */
function expectNoSessionId(haystack: string, sessionId: string): void {
  const text = haystack.toLowerCase();
  const secret = sessionId.split('.').at(-1)!;
  for (const needle of [...spellings(sessionId), ...spellings(secret)])
    expect(text, `found ${needle}`).not.toContain(needle);
}

function jwtOf(location: string): { token: string; decoded: string } {
  const token = new URL(location).searchParams.get('responseToken')!;
  const [head, body] = token.split('.');
  const decoded = [head, body].map((p) => Buffer.from(p!, 'base64url').toString()).join('\n');
  return { token, decoded };
}

function call(path: string, init: RequestInit, overrides: Record<string, string>) {
  const ctx = createExecutionContext();
  const request = new Request(`${WORKER_ORIGIN}${path}`, init) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  return handler
    .fetch(request, { ...env, ...overrides } as Env, ctx)
    .finally(() => waitOnExecutionContext(ctx));
}

const view = (id: string) => worker(`/v1/sessions/${id}`, { headers: { Origin: ORIGIN } });
const stream = (id: string) => worker(`/v1/sessions/${id}/events`, { headers: { Origin: ORIGIN } });

describe('nothing readable by an id that leaves the page', () => {
  it('the nonce PayPay echoes in the responseToken carries no session id, in any encoding', async () => {
    const { sessionId, qrUrl } = await newSession();
    const stored = await sandboxSession(qrUrl);
    const location = (await phone(qrUrl, 'complete'))!;
    const { token, decoded } = jwtOf(location);
    expectNoSessionId(JSON.stringify(stored), sessionId);
    expectNoSessionId(`${location}\n${decodeURIComponent(location)}\n${token}`, sessionId);
    expectNoSessionId(decoded, sessionId);
  });

  it('the QR URL, the callback page, the feed and the log lines carry no session id', async () => {
    const logged: unknown[] = [];
    for (const level of ['log', 'info', 'warn', 'error'] as const)
      vi.spyOn(console, level).mockImplementation((...args) => void logged.push(...args));
    const { sessionId, qrUrl } = await newSession();
    const location = (await phone(qrUrl, 'complete'))!;
    const page = await (await arrive(location)).text();
    const polled = await (await view(sessionId)).json<{ resultToken: string }>();
    expect((await exchange(polled.resultToken)).status).toBe(200);
    const feed = await worker('/v1/events', {
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` },
    });
    vi.restoreAllMocks();
    expectNoSessionId(qrUrl, sessionId);
    expectNoSessionId(page, sessionId);
    expectNoSessionId(await feed.text(), sessionId);
    expectNoSessionId(JSON.stringify(logged), sessionId);
    expectNoSessionId(polled.resultToken, sessionId);
  });

  it('knowing the nonce (or any part of it) reads neither status nor stream', async () => {
    const { sessionId, qrUrl } = await newSession();
    const nonce = String((await sandboxSession(qrUrl)).nonce);
    const [first = '', second = ''] = nonce.split('.');
    const candidates = [nonce, first, second, `${first}.${second.slice(0, 24)}`];
    for (const candidate of candidates) {
      expect((await view(candidate)).status, candidate).toBe(404);
      expect((await stream(candidate)).status, candidate).toBe(404);
    }
    expect((await view(sessionId)).status).toBe(200);
  });

  it('a guessed or altered session id is a 404, never the session', async () => {
    const { sessionId, qrUrl } = await newSession();
    const objectId = String((await sandboxSession(qrUrl)).nonce).split('.')[0]!;
    const [hex = '', secret = ''] = sessionId.split('.');
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    const guesses = [
      `${objectId}.${'A'.repeat(24)}`,
      `${hex}.${flip(secret, 23)}`,
      `${hex}.${flip(secret, 0)}`,
      `${flip(hex, 63)}.${secret}`,
      `${'0'.repeat(64)}.${secret}`,
      `${hex}.${secret}x`,
      hex,
    ];
    for (const guess of guesses) {
      expect((await view(guess)).status, guess).toBe(404);
      expect((await stream(guess)).status, guess).toBe(404);
    }
    expect((await view(sessionId)).status).toBe(200);
  });

  it('keeps the result token only as a hash: nothing at rest is a usable token', async () => {
    const { sessionId, qrUrl } = await newSession();
    expect((await arrive((await phone(qrUrl, 'complete'))!)).status).toBe(200);
    const { resultToken } = await (await view(sessionId)).json<{ resultToken: string }>();
    const tokenSecret = resultToken.split('.').at(-1)!;
    const sessionSecret = sessionId.split('.').at(-1)!;
    const atRest = await runInDurableObject(sessionObjectOf(sessionId), async (_o, state) =>
      JSON.stringify([...(await state.storage.list()).entries()]),
    );
    for (const secret of [resultToken, tokenSecret, sessionSecret]) {
      for (const needle of spellings(secret)) expect(atRest.toLowerCase()).not.toContain(needle);
    }
    // The poll that proves the session's secret still gets the same token, until exchanged.
    expect((await (await view(sessionId)).json<{ resultToken: string }>()).resultToken).toBe(
      resultToken,
    );
    const answer = await (await exchange(resultToken)).json<{ sessionId: string }>();
    expect(answer.sessionId).toBe(sessionId);
  });
});

describe('floods bounded', () => {
  const from = (ip: string) => postSession({}, { 'CF-Connecting-IP': ip });

  it('counts an IPv6 client by its /64: one /64 shares a limit, another /64 does not', async () => {
    const spellingsOfOne64 = [
      '2001:db8:77:1::1',
      '2001:0db8:0077:0001:ffff::2',
      '2001:db8:77:1:1:2:3:4',
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await from(spellingsOfOne64[i % 3]!)).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const limited = await from('2001:db8:77:1:abcd::9');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect((await limited.json<{ error: { code: string } }>()).error.code).toBe('RATE_LIMITED');
    expect((await from('2001:db8:77:2::1')).status).toBe(201);
  });

  it('caps public creations overall, even from many /64s, with Retry-After; merchants are not capped', async () => {
    const create = (i: number) =>
      call(
        '/v1/sessions',
        {
          method: 'POST',
          headers: {
            Origin: ORIGIN,
            'Content-Type': 'application/json',
            'CF-Connecting-IP': `2001:db8:${(0x9000 + i).toString(16)}::1`,
          },
          body: '{}',
        },
        { SESSION_GLOBAL_LIMIT_PER_MINUTE: '3' },
      );
    const answers: Response[] = [];
    for (let i = 0; i < 8; i++) answers.push(await create(i));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(3);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    for (const answer of limited) {
      expect(Number(answer.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      expect((await answer.json<{ error: { code: string } }>()).error.code).toBe('RATE_LIMITED');
    }
    const merchant = await call(
      '/v1/sessions',
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
        body: '{}',
      },
      { SESSION_GLOBAL_LIMIT_PER_MINUTE: '1', SESSION_RATE_LIMIT_PER_MINUTE: '1' },
    );
    expect(merchant.status).toBe(201);
  });
});
