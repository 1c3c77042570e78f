import { runInDurableObject } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../../shared/feed';
import { parseConfig } from '../../../worker/settings/config';
import { forwardDue } from '../../../worker/feed/forward';
import { standardWebhookSignature } from '../../../worker/feed/forward-sign';
import { setFeedSettings } from '../support/feed-settings';
import { SANDBOX } from '../support/sandbox';
import { cron, envWith, eventBody, feed, postWebhook, uid } from '../support/webhooks';

const secretBytes = crypto.getRandomValues(new Uint8Array(32));
const SECRET = 'whsec_' + btoa(String.fromCharCode(...secretBytes));

/** Forwarding to the sandbox: /healthz answers 200 to any method, an unknown path 404. */
const OK_URL = `${SANDBOX}/healthz`;
const FAILING_URL = `${SANDBOX}/no-such-receiver`;
const settings = (url: string) => ({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET });

type OutboxRow = {
  seq: number;
  attempts: number;
  next_attempt_at: number;
  state: string;
  last_status: number | null;
};

function outbox(): Promise<OutboxRow[]> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<OutboxRow>(
        'SELECT seq, attempts, next_attempt_at, state, last_status FROM outbox ORDER BY seq',
      )
      .toArray(),
  );
}

async function drain(): Promise<void> {
  await cron(Date.now() + 10 * 86_400_000, settings(OK_URL));
  expect((await outbox()).filter((r) => r.state === 'pending')).toEqual([]);
}

describe('forwarding to MERCHANT_WEBHOOK_URL', () => {
  afterEach(() => setFeedSettings({}));

  it('signs each event per Standard Webhooks, checked by the standardwebhooks package', async () => {
    await drain();
    const uaid = uid('u');
    const body = eventBody('kyc', uaid);
    // The first attempt, right after recording, fails (404): the event stays in the outbox.
    await setFeedSettings(settings(FAILING_URL));
    expect((await postWebhook('kyc', body, { overrides: settings(FAILING_URL) })).status).toBe(200);
    const pending = await outbox();
    expect(pending.length).toBeGreaterThanOrEqual(1);
    expect(pending.every((r) => r.last_status === 404 && r.attempts === 1)).toBe(true);

    const captured: Request[] = [];
    const config = parseConfig(
      envWith(settings('https://merchant.test/hooks')) as unknown as Record<string, string>,
    );
    const delivered = await forwardDue(
      envWith(),
      config,
      Date.now() + 3_600_000,
      100,
      async (input, init) => {
        captured.push(new Request(input, init));
        return new Response('ok');
      },
    );
    expect(delivered).toBe(pending.length);
    expect(captured).toHaveLength(pending.length);
    // Every request verifies with the independent implementation.
    const verified = await Promise.all(
      captured.map(async (request) => {
        expect(request.url).toBe('https://merchant.test/hooks');
        expect(request.method).toBe('POST');
        const text = await request.text();
        const headers = Object.fromEntries(request.headers);
        const payload = new Webhook(SECRET).verify(text, headers) as {
          type: string;
          timestamp: string;
          data: FeedEvent;
        };
        expect(headers['webhook-id']).toBe(payload.data.id);
        expect(payload.type).toBe(payload.data.type);
        return { text, headers, payload };
      }),
    );
    const kyc = verified.find((v) => v.payload.data.notificationId === body.notification_id);
    expect(kyc?.payload.data).toMatchObject({
      type: 'kyc.updated',
      userAuthorizationId: uaid,
      source: 'webhook',
    });
    const { text, headers } = kyc!;
    // A byte changed, or another secret, and the independent verifier refuses it.
    expect(() => new Webhook(SECRET).verify(text.replace('}', ' }'), headers)).toThrow();
    const other = 'whsec_' + btoa('o'.repeat(32));
    expect(() => new Webhook(other).verify(text, headers)).toThrow();
    expect(await outbox()).toEqual([]);
  });

  it('matches the signature standardwebhooks makes for the same message', async () => {
    const timestamp = 1_700_000_000;
    const ours = await standardWebhookSignature(secretBytes, 'ev_42', timestamp, '{"a":1}');
    expect(ours).toBe(new Webhook(SECRET).sign('ev_42', new Date(timestamp * 1000), '{"a":1}'));
  });

  it('retries with back-off from the cron trigger until delivered, at least once', async () => {
    await drain();
    const uaid = uid('u');
    const sent = Date.now();
    await setFeedSettings(settings(FAILING_URL));
    expect(
      (await postWebhook('risk', eventBody('risk', uaid), { overrides: settings(FAILING_URL) }))
        .status,
    ).toBe(200);
    const [first] = await outbox();
    expect(first).toMatchObject({ attempts: 1, state: 'pending', last_status: 404 });
    expect(first!.next_attempt_at).toBeGreaterThanOrEqual(sent + 30_000);

    // Not due yet: nothing is sent.
    await cron(sent + 5_000, settings(FAILING_URL));
    expect((await outbox())[0]).toMatchObject({ seq: first!.seq, attempts: 1 });
    // Due, still failing: the gap doubles.
    await cron(first!.next_attempt_at + 1, settings(FAILING_URL));
    const second = (await outbox()).find((r) => r.seq === first!.seq);
    expect(second).toMatchObject({ attempts: 2, state: 'pending' });
    expect(second!.next_attempt_at - (first!.next_attempt_at + 1)).toBeGreaterThanOrEqual(60_000);
    // The receiver is back: delivered and gone from the outbox.
    await cron(second!.next_attempt_at + 1, settings(OK_URL));
    expect((await outbox()).find((r) => r.seq === first!.seq)).toBeUndefined();
  });

  it('gives up on an event after three days of failures, keeping it in the feed', async () => {
    await drain();
    await setFeedSettings(settings(FAILING_URL));
    expect(
      (await postWebhook('kyc', eventBody('kyc', uid('u')), { overrides: settings(FAILING_URL) }))
        .status,
    ).toBe(200);
    const [row] = await outbox();
    await cron(Date.now() + 3 * 86_400_000 + 60_000, settings(FAILING_URL));
    expect((await outbox()).find((r) => r.seq === row!.seq)).toMatchObject({ state: 'failed' });
  });

  it('forwards nothing to a MERCHANT_WEBHOOK_URL production refuses (plain http)', async () => {
    await drain();
    await setFeedSettings(settings(FAILING_URL));
    expect((await postWebhook('kyc', eventBody('kyc', uid('u')))).status).toBe(200);
    expect((await outbox()).filter((r) => r.state === 'pending').length).toBeGreaterThan(0);
    // No request host: the rules of production, where http is refused even on loopback.
    const config = parseConfig(
      envWith(settings('http://127.0.0.1:9/hooks')) as unknown as Record<string, string>,
    );
    expect(config.problems.map((p) => p.setting)).toContain('MERCHANT_WEBHOOK_URL');
    const sent: string[] = [];
    const delivered = await forwardDue(envWith(), config, Date.now() + 3_600_000, 100, (input) => {
      sent.push(String(input));
      return Promise.resolve(new Response('ok'));
    });
    expect({ delivered, sent }).toEqual({ delivered: 0, sent: [] });
  });

  it('forwards nothing when MERCHANT_WEBHOOK_URL is not set', async () => {
    await drain();
    expect((await postWebhook('kyc', eventBody('kyc', uid('u')))).status).toBe(200);
    expect((await outbox()).filter((r) => r.state === 'pending')).toEqual([]);
  });
});
