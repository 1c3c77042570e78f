import { afterEach, describe, expect, it } from 'vitest';
import { runScheduled } from '../../../worker/cron';
import { parseConfig } from '../../../worker/settings/config';
import { setFeedSettings } from '../support/feed-settings';
import { SANDBOX } from '../support/sandbox';
import {
  bearer,
  call,
  envWith,
  eventBody,
  eventsAfter,
  postWebhook,
  tailCursor,
  uid,
} from '../support/webhooks';

// Issue 24: the forwarding outbox seen and resent through GET /v1/deliveries
// and POST /v1/deliveries/:eventId/resend; a resend delivers once.

const SECRET = 'whsec_' + btoa('s'.repeat(32));
/** The sandbox answers 404 here: the first attempt, right after recording, fails. */
const FAILING_URL = `${SANDBOX}/no-such-receiver`;
const RECEIVER = 'https://merchant.test/hooks';
const settings = (url: string) => ({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET });
const DAY = 86_400_000;

interface DeliveryList {
  deliveries: { eventId: string; status: string; attempts: number; lastError: string | null }[];
  count: number;
  forwarding: boolean;
}

/** The cron with a receiver answering `status`, recording the `webhook-id` of each request. */
async function cronWith(now: number, status: number): Promise<string[]> {
  const env = envWith(settings(RECEIVER));
  const config = parseConfig(env as unknown as Record<string, string>);
  const ids: string[] = [];
  await runScheduled(env, config, now, async (_input, init) => {
    ids.push(new Headers(init?.headers).get('webhook-id') ?? '');
    return new Response(null, { status });
  });
  return ids;
}

async function deliveries(query: string, url = RECEIVER): Promise<DeliveryList> {
  const response = await call(`/v1/deliveries${query}`, { headers: bearer }, settings(url));
  expect(response.status).toBe(200);
  return response.json<DeliveryList>();
}

function resend(eventId: string, url = RECEIVER): Promise<Response> {
  return call(
    `/v1/deliveries/${eventId}/resend`,
    { method: 'POST', headers: bearer },
    settings(url),
  );
}

/** A kyc event whose forwarding has failed for good (three days of failures). */
async function failedEvent(): Promise<string> {
  // Whatever earlier tests left is delivered first: only this test's event is owed.
  await cronWith(Date.now() + 10 * DAY, 200);
  const tail = await tailCursor();
  await setFeedSettings(settings(FAILING_URL));
  const body = eventBody('kyc', uid('u'));
  expect((await postWebhook('kyc', body, { overrides: settings(FAILING_URL) })).status).toBe(200);
  const event = (await eventsAfter(tail)).find((e) => e.notificationId === body.notification_id);
  expect(event).toBeDefined();
  await cronWith(Date.now() + 3 * DAY + 60_000, 500);
  return event!.id;
}

describe('deliveries', () => {
  afterEach(() => setFeedSettings({}));

  it('lists a failed delivery, and a resend delivers it once, even resent twice', async () => {
    const id = await failedEvent();
    const failed = await deliveries('?status=failed');
    expect(failed.forwarding).toBe(true);
    expect(failed.deliveries.find((d) => d.eventId === id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'HTTP 500',
    });
    expect((await deliveries('?status=pending')).deliveries.some((d) => d.eventId === id)).toBe(
      false,
    );

    for (let i = 0; i < 2; i++) {
      const response = await resend(id);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ eventId: id, status: 'pending' });
    }
    const pending = await deliveries('?status=pending');
    expect(pending.deliveries.filter((d) => d.eventId === id)).toHaveLength(1);

    const now = Date.now() + 1_000;
    expect((await cronWith(now, 200)).filter((sent) => sent === id)).toEqual([id]);
    // Delivered: out of the outbox, and the next runs send nothing more.
    expect((await cronWith(now + 120_000, 200)).filter((sent) => sent === id)).toEqual([]);
    expect((await deliveries('')).deliveries.some((d) => d.eventId === id)).toBe(false);

    // A delivered event can be resent too: once more, once.
    expect((await resend(id)).status).toBe(202);
    expect((await resend(id)).status).toBe(202);
    expect((await cronWith(Date.now() + 1_000, 200)).filter((sent) => sent === id)).toEqual([id]);
  });

  it('answers an empty list, not an error, while MERCHANT_WEBHOOK_URL is unset', async () => {
    const response = await call('/v1/deliveries', { headers: bearer });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deliveries: [], count: 0, forwarding: false });
    const refused = await call('/v1/deliveries/ev_1/resend', { method: 'POST', headers: bearer });
    expect(refused.status).toBe(403);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe('FEATURE_DISABLED');
  });

  it('refuses unknown event ids, bad parameters and callers without the bearer', async () => {
    for (const id of ['ev_999999999', 'ev_0', 'nope', `ev_${2 ** 41}`]) {
      const response = await resend(id);
      expect(response.status, id).toBe(404);
    }
    for (const query of ['?status=delivered', '?limit=0', '?limit=1001', '?other=1']) {
      const response = await call(
        `/v1/deliveries${query}`,
        { headers: bearer },
        settings(RECEIVER),
      );
      expect(response.status, query).toBe(400);
    }
    expect((await call('/v1/deliveries', {}, settings(RECEIVER))).status).toBe(401);
    expect((await call('/v1/deliveries/ev_1/resend', { method: 'POST' })).status).toBe(401);
  });
});
