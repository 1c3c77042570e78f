import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fault, sandboxAdmin, sandboxCalls, setStanding } from '../support/sandbox';
import {
  cron,
  eventBody,
  eventsAfter,
  postWebhook,
  sandboxUser,
  tailCursor,
  userStateOf,
} from '../support/webhooks';

/** How many re-reads this hour changed a standing, as the console counts them. */
async function changedRereads(): Promise<number> {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const metrics = env.METRICS.get(env.METRICS.idFromName('metrics'));
  const { counts } = (await metrics.read(hour, hour + 3_600_000)).value;
  return counts.filter((c) => c.name === 'rereads:changed').reduce((n, c) => n + c.value, 0);
}

describe('re-reads of PayPay', () => {
  it('stores the standing PayPay answers and puts its change in the feed', async () => {
    const cursor = await tailCursor();
    const changedBefore = await changedRereads();
    const uaid = await sandboxUser('risk_flagged');
    const body = eventBody('risk', uaid);
    expect((await postWebhook('risk', body)).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state.standing).toMatchObject({ value: 'UNACCEPTABLE_OP' });
    expect(state.reread).toEqual({ due: false, dueAt: null, lastError: null });
    const changes = (await eventsAfter(cursor)).filter((e) => e.type === 'standing.changed');
    expect(changes).toEqual([
      expect.objectContaining({
        userAuthorizationId: uaid,
        source: 'paypay',
        standing: 'UNACCEPTABLE_OP',
        previousStanding: null,
      }),
    ]);
    expect(changes[0]).not.toHaveProperty('notificationId');
    // PayPay's X-REQUEST-ID of the read that found it, for support.
    expect(state.standing?.paypayRequestId).toMatch(/^SBX[0-9A-F]{32}$/);
    expect(changes[0]?.paypayRequestId).toBe(state.standing?.paypayRequestId);
    // Counted for the console as a re-read that changed a standing.
    expect((await changedRereads()) - changedBefore).toBe(1);
  });

  it('shows a re-read refused for scope as the standing OP_OUT_OF_SCOPE, not a back-off loop', async () => {
    const cursor = await tailCursor();
    // Linked without mini_app_kyc_passport, the scope of KYC Passport info.
    const created = await sandboxAdmin('POST', '/users', { scopes: ['kyc_passport_qr'] });
    const uaid = (await created.json<{ userAuthorizationId: string }>()).userAuthorizationId;
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    const state = await userStateOf(uaid);
    expect(state.standing).toMatchObject({
      value: 'OP_OUT_OF_SCOPE',
      paypayRequestId: expect.stringMatching(/^SBX/),
    });
    expect(state.reread).toEqual({ due: false, dueAt: null, lastError: null });
    const changes = (await eventsAfter(cursor)).filter(
      (e) => e.type === 'standing.changed' && e.userAuthorizationId === uaid,
    );
    expect(changes).toEqual([expect.objectContaining({ standing: 'OP_OUT_OF_SCOPE' })]);
    // Later cron runs do not keep asking PayPay about it (a re-read would move checkedAt).
    await cron(Date.now() + 10 * 60_000);
    expect(await userStateOf(uaid)).toMatchObject({
      standing: { value: 'OP_OUT_OF_SCOPE', checkedAt: state.standing?.checkedAt },
      reread: { due: false },
    });
  });

  it.each([
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled', 'CANCELED_USER'],
    ['inactive', 'USER_STATE_IS_NOT_ACTIVE'],
    ['active', 'OK'],
  ])('maps a %s user to %s', async (standing, value) => {
    const uaid = await sandboxUser(standing);
    expect((await postWebhook('account-status', eventBody('account-status', uaid))).status).toBe(
      200,
    );
    expect((await userStateOf(uaid)).standing?.value).toBe(value);
  });

  it('throttles re-reads per user: a second hint within a minute leaves a re-read due', async () => {
    const uaid = await sandboxUser();
    const before = await sandboxCalls();
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    await setStanding(uaid, 'kyc_update_required');
    expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    expect((await sandboxCalls()).kycPassportInfo! - before.kycPassportInfo!).toBe(1);
    const state = await userStateOf(uaid);
    expect(state.standing?.value).toBe('OK');
    expect(state.reread.due).toBe(true);
    expect(Date.parse(state.reread.dueAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
  });

  it('keeps the re-read due, with the reason, while PayPay is down', async () => {
    const uaid = await sandboxUser();
    await fault({ operation: 'kycPassportInfo', fault: 'maintenance' });
    try {
      expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
    } finally {
      await fault(null);
    }
    const state = await userStateOf(uaid);
    expect(state.standing).toBeNull();
    expect(state.reread).toMatchObject({
      due: true,
      lastError: 'MAINTENANCE_MODE',
      paypayRequestId: expect.stringMatching(/^SBX[0-9A-F]{32}$/),
    });
  });
});
