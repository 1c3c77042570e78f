// verifyEvent (paypay-kyc-passport/server) inside workerd: the forms its
// headers, signatures, body and secret may take, and its error codes.
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../shared/errors';
import { verifyEvent } from '../../server/index';
import {
  at,
  codeOf,
  feedEvent,
  KEY_BASE64,
  keyBytes,
  NOW,
  oracle,
  SECRET,
  signed,
} from '../worker/support/signed-events';

describe('verifyEvent against the standardwebhooks package', () => {
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
