// verifyEvent (paypay-kyc-passport/server) inside workerd: its clock and
// tolerance, and the replay guard.
import { describe, expect, it } from 'vitest';
import { ReplayGuard, verifyEvent, type VerifyOptions } from '../../server/index';
import { codeOf, feedEvent, NOW, SECRET, signed } from '../worker/support/signed-events';

describe('verifyEvent against the standardwebhooks package', () => {
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
});
