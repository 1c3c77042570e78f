// verifyEvent (paypay-kyc-passport/server) inside workerd, as on a merchant's
// Worker, against the standardwebhooks package as the oracle and the Worker's
// own signer (worker/feed/forward-sign.ts): signatures, timestamps, a real forward.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../worker/settings/config';
import { forwardDue } from '../../worker/feed/forward';
import { standardWebhookSignature } from '../../worker/feed/forward-sign';
import { verifyEvent } from '../../server/index';
import { setFeedSettings } from '../worker/support/feed-settings';
import { SANDBOX } from '../worker/support/sandbox';
import { envWith, eventBody, postWebhook, uid } from '../worker/support/webhooks';
import {
  at,
  codeOf,
  feedEvent,
  keyBytes,
  NOW,
  oracle,
  SECRET,
  signed,
} from '../worker/support/signed-events';

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
