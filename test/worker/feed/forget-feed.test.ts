import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { err } from '../../../shared/result';
import { fault } from '../support/sandbox';
import { captureConsole } from '../support/console';
import {
  cron,
  eventBody,
  eventsAfter,
  feed,
  postWebhook,
  settle,
  tailCursor,
  uid,
  userStateOf,
} from '../support/webhooks';
import { feedRowsWith, forget } from '../support/users';

const DAY = 86_400_000;

/** The Worker's console lines: captured, not printed. */
captureConsole();

describe('the feed object, for what the phone flow cannot reach', () => {
  const verifiedInput = (uaid: string) => ({
    userAuthorizationId: uaid,
    sessionObjectId: env.SESSIONS.newUniqueId().toString(),
    referenceId: null,
    referenceIdMode: null,
    kycUntil: Date.now() + 60_000,
    now: Date.now(),
  });

  it('knows a forgotten id again after a new verification (new consent)', async () => {
    const uaid = uid('again');
    expect((await forget(uaid)).status).toBe(202);
    await settle();
    expect(await feedRowsWith(uaid)).toEqual([]);
    const outcome = (await feed().verified(verifiedInput(uaid))).value;
    expect(outcome.forgetting).toBe(false);
    const cursor = await tailCursor();
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    const events = await eventsAfter(cursor);
    expect(events.filter((e) => e.type === 'kyc.updated')).toEqual([
      expect.objectContaining({ userAuthorizationId: uaid }),
    ]);
  });

  it('records no verification of a user being forgotten, and says so to its object', async () => {
    const uaid = uid('racing');
    await fault({ operation: 'unlinkUser', fault: 'maintenance', times: 3 });
    expect((await forget(uaid)).status).toBe(202);
    expect((await feed().verified(verifiedInput(uaid))).value).toEqual({
      reread: null,
      forgetting: true,
    });
    expect((await userStateOf(uaid)).verifiedAt).toBeNull();
  });

  it('sends authorization.expired once when PayPay says so of an expiry it never gave', async () => {
    const uaid = uid('expired');
    await feed().verified(verifiedInput(uaid));
    const cursor = await tailCursor();
    const code = 'EXPIRED_USER_AUTHORIZATION_ID' as const;
    await feed().recordAuthorization(uaid, err({ code }), Date.now());
    await feed().recordAuthorization(uaid, err({ code }), Date.now());
    await cron(Date.now() + DAY);
    const expired = (await eventsAfter(cursor)).filter((e) => e.type === 'authorization.expired');
    expect(expired).toEqual([expect.objectContaining({ userAuthorizationId: uaid })]);
    expect(expired[0]).not.toHaveProperty('expiresAt');
  });
});
