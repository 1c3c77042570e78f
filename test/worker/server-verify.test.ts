import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../worker/config';
import { forwardDue } from '../../worker/forward/deliver';
import { standardWebhookSignature } from '../../worker/forward/sign';
import { ERROR_CODES } from '../../shared/errors';
import {
  KycPassportError,
  ReplayGuard,
  verifyEvent,
  type FeedEvent,
  type VerifyOptions,
} from '../../server/index';
import { setFeedSettings } from './support/feed-settings';
import { SANDBOX } from './support/sandbox';
import { envWith, eventBody, postWebhook, uid } from './support/webhooks';

// verifyEvent (paypay-kyc-passport/server) inside workerd, as on a merchant's
// Worker, against the standardwebhooks package as the oracle and the Worker's
// own signer (worker/forward/sign.ts).

const keyBytes = crypto.getRandomValues(new Uint8Array(32));
const KEY_BASE64 = btoa(String.fromCharCode(...keyBytes));
const SECRET = `whsec_${KEY_BASE64}`;
const oracle = new Webhook(SECRET);

const NOW = 1_790_000_000; // seconds: a fixed clock for the tests that pass `now`
const at = (seconds: number): VerifyOptions => ({
  now: seconds * 1000,
  replayGuard: new ReplayGuard(),
});

function feedEvent(overrides: Partial<FeedEvent> = {}): FeedEvent {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: 'kyc.updated',
    userAuthorizationId: uid('u'),
    occurredAt: '2026-12-01T00:00:00.000Z',
    source: 'webhook',
    notificationId: uid('n'),
    ...overrides,
  };
}

/** A message as the Worker forwards it, signed by the standardwebhooks package. */
function signed(event = feedEvent(), timestamp = NOW, secret = SECRET) {
  const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
  const signature = new Webhook(secret).sign(event.id, new Date(timestamp * 1000), body);
  return {
    event,
    body,
    headers: {
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    } as Record<string, string>,
  };
}

/** The code of the KycPassportError a promise rejects with (and that it is one). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KycPassportError);
  const typed = error as KycPassportError;
  expect(typed.name).toBe('KycPassportError');
  expect(typed.status).toBeNull();
  // No secret in any message.
  expect(typed.message).not.toContain(KEY_BASE64);
  expect(typed.message).not.toContain(KEY_BASE64.slice(0, 12));
  return typed.code;
}

describe('verifyEvent against the standardwebhooks package', () => {
  it('accepts what the package signs, and returns the feed event', async () => {
    const { event, body, headers } = signed();
    const verified = await verifyEvent(body, headers, SECRET, at(NOW));
    expect(verified).toEqual(event);
    // The oracle agrees on the same message (it checks against the real clock).
    const live = signed(feedEvent(), Math.floor(Date.now() / 1000));
    expect(oracle.verify(live.body, live.headers)).toMatchObject({ data: live.event });
    expect(await verifyEvent(live.body, live.headers, SECRET)).toEqual(live.event);
  });

  it('agrees with the package on many bodies, ids and secrets', async () => {
    for (let i = 0; i < 40; i++) {
      const secret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24 + i))))}`;
      const event = feedEvent({
        id: `evt_${i}_${crypto.randomUUID()}`,
        reason: `理由 ${'é'.repeat(i)} \u2028 "quoted" \\ ${i}`,
      });
      const message = signed(event, NOW + i, secret);
      expect(await verifyEvent(message.body, message.headers, secret, at(NOW))).toEqual(event);
      // One changed character in the body: both refuse.
      const tampered = message.body.replace(`${i}"`, `${i + 1}"`);
      expect(tampered).not.toBe(message.body);
      expect(await codeOf(verifyEvent(tampered, message.headers, secret, at(NOW)))).toBe(
        'INVALID_SIGNATURE',
      );
    }
  });

  it("accepts what the Worker's signer makes, which the package accepts too", async () => {
    const event = feedEvent();
    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
    const now = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': event.id,
      'webhook-timestamp': String(now),
      'webhook-signature': await standardWebhookSignature(keyBytes, event.id, now, body),
    };
    expect(oracle.verify(body, headers)).toMatchObject({ data: event });
    expect(await verifyEvent(body, headers, SECRET)).toEqual(event);
  });

  it('refuses a tampered body, id or timestamp, and another secret', async () => {
    const { body, headers } = signed();
    const guard = { replayGuard: null, now: NOW * 1000 };
    expect(await codeOf(verifyEvent(body.replace('}', ' }'), headers, SECRET, guard))).toBe(
      'INVALID_SIGNATURE',
    );
    expect(
      await codeOf(verifyEvent(body, { ...headers, 'webhook-id': 'evt_other' }, SECRET, guard)),
    ).toBe('INVALID_SIGNATURE');
    expect(
      await codeOf(
        verifyEvent(body, { ...headers, 'webhook-timestamp': String(NOW + 1) }, SECRET, guard),
      ),
    ).toBe('INVALID_SIGNATURE');
    const other = `whsec_${btoa('o'.repeat(32))}`;
    expect(await codeOf(verifyEvent(body, headers, other, guard))).toBe('INVALID_SIGNATURE');
    // The oracle refuses the same four.
    const live = signed(feedEvent(), Math.floor(Date.now() / 1000));
    expect(() => oracle.verify(live.body.replace('}', ' }'), live.headers)).toThrow();
    expect(() => new Webhook(other).verify(live.body, live.headers)).toThrow();
  });

  it('refuses a timestamp more than 5 minutes old or ahead, as the package does', async () => {
    const check = (offset: number) => {
      const { body, headers } = signed(feedEvent(), NOW + offset);
      return verifyEvent(body, headers, SECRET, at(NOW));
    };
    await expect(check(-300)).resolves.toMatchObject({ type: 'kyc.updated' });
    await expect(check(300)).resolves.toMatchObject({ type: 'kyc.updated' });
    expect(await codeOf(check(-301))).toBe('TIMESTAMP_TOO_OLD');
    expect(await codeOf(check(301))).toBe('TIMESTAMP_TOO_NEW');
    expect(await codeOf(check(-86_400))).toBe('TIMESTAMP_TOO_OLD');
    // A wider tolerance, by option; a Date as `now`.
    const { body, headers } = signed(feedEvent(), NOW - 600);
    await expect(
      verifyEvent(body, headers, SECRET, {
        now: new Date(NOW * 1000),
        toleranceSeconds: 900,
        replayGuard: null,
      }),
    ).resolves.toBeDefined();
    // The oracle, on the real clock, refuses the same offsets.
    for (const offset of [-301, 301]) {
      const live = signed(feedEvent(), Math.floor(Date.now() / 1000) + offset);
      expect(() => oracle.verify(live.body, live.headers)).toThrow(/timestamp/i);
    }
    const malformed = signed();
    for (const value of ['soon', '1.5', '-1', '0x10', '']) {
      const code = await codeOf(
        verifyEvent(
          malformed.body,
          { ...malformed.headers, 'webhook-timestamp': value },
          SECRET,
          at(NOW),
        ),
      );
      expect(code).toBe(value === '' ? 'MISSING_HEADERS' : 'INVALID_TIMESTAMP');
    }
  });

  it('throws a TypeError for a tolerance or clock that is not a finite number', async () => {
    // NaN or Infinity would make every timestamp comparison pass and the replay
    // guard remember nothing: both checks off, silently.
    const { body, headers } = signed(feedEvent(), NOW);
    const bad: VerifyOptions[] = [
      { now: NOW * 1000, toleranceSeconds: Number.NaN },
      { now: NOW * 1000, toleranceSeconds: Number.POSITIVE_INFINITY },
      { now: NOW * 1000, toleranceSeconds: -1 },
      { now: Number.NaN },
      { now: Number.POSITIVE_INFINITY },
      { now: new Date('not a date') },
    ];
    for (const options of bad) {
      const error = await verifyEvent(body, headers, SECRET, {
        ...options,
        replayGuard: null,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(options)).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/verifyEvent: (now|toleranceSeconds)/);
    }
    // A finite tolerance of 0 is strict, not off.
    await expect(
      verifyEvent(body, headers, SECRET, {
        now: NOW * 1000,
        toleranceSeconds: 0,
        replayGuard: null,
      }),
    ).resolves.toBeDefined();
  });

  it('refuses a replay of the same message, but not a redelivery with a new timestamp', async () => {
    const guard = new ReplayGuard();
    const options = { now: NOW * 1000, replayGuard: guard };
    const first = signed(feedEvent(), NOW - 10);
    await expect(verifyEvent(first.body, first.headers, SECRET, options)).resolves.toEqual(
      first.event,
    );
    expect(await codeOf(verifyEvent(first.body, first.headers, SECRET, options))).toBe('REPLAYED');
    // Any case or form of the same headers is the same message.
    const shouted = Object.fromEntries(
      Object.entries(first.headers).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(await codeOf(verifyEvent(first.body, shouted, SECRET, options))).toBe('REPLAYED');
    // The Worker's redelivery of the event: same webhook-id, new timestamp and signature.
    const again = signed(first.event, NOW);
    await expect(verifyEvent(again.body, again.headers, SECRET, options)).resolves.toEqual(
      first.event,
    );
    expect(guard.size).toBe(2);
    // A forged or tampered copy is refused for its signature and not remembered.
    expect(
      await codeOf(verifyEvent(first.body.replace('}', ' }'), first.headers, SECRET, options)),
    ).toBe('INVALID_SIGNATURE');
    expect(guard.size).toBe(2);
    // After the window the timestamp refuses it (the guard has let it go).
    const later = { now: (NOW + 301) * 1000, replayGuard: guard };
    expect(await codeOf(verifyEvent(first.body, first.headers, SECRET, later))).toBe(
      'TIMESTAMP_TOO_OLD',
    );
    // Without a guard, a replay inside the window passes.
    const off = { now: NOW * 1000, replayGuard: null };
    await verifyEvent(first.body, first.headers, SECRET, off);
    await expect(verifyEvent(first.body, first.headers, SECRET, off)).resolves.toBeDefined();
  });

  it('sees replays by default, in one guard for the isolate', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { body, headers } = signed(feedEvent(), now);
    await verifyEvent(body, headers, SECRET);
    expect(await codeOf(verifyEvent(body, headers, SECRET))).toBe('REPLAYED');
  });

  it('keeps its guard bounded: expired messages go first, then the oldest', () => {
    const guard = new ReplayGuard(3);
    expect(guard.admit('a', NOW + 10, NOW)).toBe(true);
    expect(guard.admit('b', NOW + 300, NOW)).toBe(true);
    expect(guard.admit('a', NOW + 10, NOW)).toBe(false);
    // At NOW + 11, a has expired: admitting c drops it.
    expect(guard.admit('c', NOW + 311, NOW + 11)).toBe(true);
    expect(guard.size).toBe(2);
    expect(guard.admit('d', NOW + 311, NOW + 11)).toBe(true);
    expect(guard.admit('e', NOW + 311, NOW + 11)).toBe(true);
    // Full: the oldest (b) went to make room.
    expect(guard.size).toBe(3);
    expect(guard.admit('b', NOW + 300, NOW + 11)).toBe(true);
    expect(guard.admit('e', NOW + 311, NOW + 11)).toBe(false);
    expect(() => new ReplayGuard(0)).toThrow(TypeError);
  });

  it('reads headers of any case, from Headers or a plain object (Node style, arrays)', async () => {
    const { event, body, headers } = signed();
    const variants: Parameters<typeof verifyEvent>[1][] = [
      new Headers(headers),
      {
        'Webhook-Id': headers['webhook-id'],
        'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
        'webhook-Signature': headers['webhook-signature'],
      },
      // IncomingHttpHeaders with a repeated header, and a field that is absent.
      {
        'webhook-id': [headers['webhook-id']!],
        'webhook-timestamp': headers['webhook-timestamp'],
        'webhook-signature': [`v1,${btoa('x'.repeat(32))}`, headers['webhook-signature']!],
        'x-forwarded-for': undefined,
      },
    ];
    for (const variant of variants)
      expect(await verifyEvent(body, variant, SECRET, at(NOW))).toEqual(event);
    // Headers joins a repeated header with ", ".
    const joined = new Headers(headers);
    joined.append('webhook-signature', `v1,${btoa('y'.repeat(32))}`);
    expect(joined.get('webhook-signature')).toContain(', ');
    expect(await verifyEvent(body, joined, SECRET, at(NOW))).toEqual(event);
  });

  it('refuses missing, empty or ambiguous headers', async () => {
    const { body, headers } = signed();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = { ...headers };
      delete without[name];
      expect(await codeOf(verifyEvent(body, without, SECRET, at(NOW)))).toBe('MISSING_HEADERS');
      expect(await codeOf(verifyEvent(body, { ...headers, [name]: ' ' }, SECRET, at(NOW)))).toBe(
        'MISSING_HEADERS',
      );
    }
    const twoIds = { ...headers, 'webhook-id': [headers['webhook-id']!, 'evt_other'] };
    expect(await codeOf(verifyEvent(body, twoIds, SECRET, at(NOW)))).toBe('MISSING_HEADERS');
    expect(await codeOf(verifyEvent(body, {}, SECRET, at(NOW)))).toBe('MISSING_HEADERS');
  });

  it('takes several signatures: one valid v1 among others is enough, as for the package', async () => {
    const live = signed(feedEvent(), Math.floor(Date.now() / 1000));
    const valid = live.headers['webhook-signature']!;
    const wrong = `v1,${btoa('w'.repeat(32))}`;
    const lists = [
      `${wrong} ${valid}`,
      `${valid} ${wrong}`,
      `v1a,${btoa('a'.repeat(64))} ${valid}`,
      `v2,${valid.slice(3)} ${valid}`,
      `v1,not*base64 ${valid}`,
      `  ${valid}  `,
    ];
    for (const list of lists) {
      const headers = { ...live.headers, 'webhook-signature': list };
      expect(oracle.verify(live.body, headers)).toMatchObject({ data: live.event });
      expect(await verifyEvent(live.body, headers, SECRET, { replayGuard: null }), list).toEqual(
        live.event,
      );
    }
    const none = [
      `${wrong} v1,${btoa('z'.repeat(32))}`,
      `v2,${valid.slice(3)}`,
      valid.slice(3),
      `v1,${valid.slice(3, -4)}`,
      'v1,',
    ];
    for (const list of none) {
      const headers = { ...live.headers, 'webhook-signature': list };
      expect(() => oracle.verify(live.body, headers), list).toThrow();
      expect(
        await codeOf(verifyEvent(live.body, headers, SECRET, { replayGuard: null })),
        list,
      ).toBe('INVALID_SIGNATURE');
    }
  });

  it('takes the body as a string, bytes or an ArrayBuffer, never parsed JSON', async () => {
    const { event, body, headers } = signed();
    const bytes = new TextEncoder().encode(body);
    const options = { now: NOW * 1000, replayGuard: null };
    expect(await verifyEvent(bytes, headers, SECRET, options)).toEqual(event);
    expect(await verifyEvent(bytes.buffer as ArrayBuffer, headers, SECRET, options)).toEqual(event);
    const parsed = JSON.parse(body) as unknown as string;
    expect(await codeOf(verifyEvent(parsed, headers, SECRET, options))).toBe('INVALID_PAYLOAD');
    // Correctly signed, but not a forwarded event.
    for (const other of ['not json', '[]', '{"type":"kyc.updated"}', '{"data":{"id":1}}']) {
      const message = {
        ...headers,
        'webhook-signature': oracle.sign(event.id, new Date(NOW * 1000), other),
      };
      expect(await codeOf(verifyEvent(other, message, SECRET, options))).toBe('INVALID_PAYLOAD');
    }
  });

  it('takes the secret as whsec_ + base64, bare base64 or the key bytes', async () => {
    const { event, body, headers } = signed();
    const options = { now: NOW * 1000, replayGuard: null };
    for (const secret of [SECRET, KEY_BASE64, ` ${SECRET}\n`, keyBytes])
      expect(await verifyEvent(body, headers, secret, options)).toEqual(event);
    for (const secret of ['', 'whsec_', 'whsec_!!!notbase64', new Uint8Array(0)])
      expect(await codeOf(verifyEvent(body, headers, secret, options))).toBe('INVALID_SECRET');
  });

  it('says what is missing where there is no WebCrypto (Node 18 without its flag)', async () => {
    const { body, headers } = signed();
    vi.stubGlobal('crypto', undefined);
    try {
      await expect(verifyEvent(body, headers, SECRET, at(NOW))).rejects.toThrow(
        /WebCrypto.*Node 20\+.*--experimental-global-webcrypto/,
      );
    } finally {
      vi.unstubAllGlobals();
    }
    await expect(verifyEvent(body, headers, SECRET, at(NOW))).resolves.toBeDefined();
  });

  it("has codes of its own that none of the Worker's codes shadows", async () => {
    const local = [
      'NETWORK_ERROR',
      'TIMEOUT',
      'INVALID_RESPONSE',
      'INVALID_SECRET',
      'INVALID_PAYLOAD',
      'MISSING_HEADERS',
      'INVALID_TIMESTAMP',
      'TIMESTAMP_TOO_OLD',
      'TIMESTAMP_TOO_NEW',
      'INVALID_SIGNATURE',
      'REPLAYED',
    ];
    for (const code of local) expect(Object.keys(ERROR_CODES)).not.toContain(code);
    // INVALID_ID is the Worker's own, for the same cause (an id that cannot be one).
    expect(ERROR_CODES.INVALID_ID).toBe(404);
  });
});

describe('verifyEvent on an event the Worker really forwarded', () => {
  afterEach(() => setFeedSettings({}));

  it('accepts the forwarded request, and refuses a tampered copy', async () => {
    const url = `${SANDBOX}/no-such-receiver`;
    const settings = { MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET };
    await setFeedSettings(settings);
    const uaid = uid('u');
    const body = eventBody('kyc', uaid);
    expect((await postWebhook('kyc', body, { overrides: settings })).status).toBe(200);
    const captured: Request[] = [];
    const config = parseConfig(
      envWith({
        ...settings,
        MERCHANT_WEBHOOK_URL: 'https://merchant.test/hooks',
      }) as unknown as Record<string, string>,
    );
    await forwardDue(envWith(), config, Date.now() + 3_600_000, 100, async (input, init) => {
      captured.push(new Request(input, init));
      return new Response('ok');
    });
    const requests = await Promise.all(
      captured.map(async (r) => ({ text: await r.text(), headers: r.headers })),
    );
    const verified = await Promise.all(
      requests.map((r) => verifyEvent(r.text, r.headers, SECRET, { replayGuard: null })),
    );
    const index = verified.findIndex((e) => e.notificationId === body.notification_id);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(verified[index]).toMatchObject({
      type: 'kyc.updated',
      userAuthorizationId: uaid,
      source: 'webhook',
    });
    const { text, headers } = requests[index]!;
    expect(headers.get('webhook-id')).toBe(verified[index]!.id);
    const tampered = text.replace(uaid, uid('u'));
    expect(await codeOf(verifyEvent(tampered, headers, SECRET, { replayGuard: null }))).toBe(
      'INVALID_SIGNATURE',
    );
  });
});
