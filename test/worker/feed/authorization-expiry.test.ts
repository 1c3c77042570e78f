import { describe, expect, it } from 'vitest';
import { captureConsole } from '../support/console';
import { cron, eventsAfter, tailCursor, userStateOf } from '../support/webhooks';
import { expireAt, verifiedUser } from '../support/users';

const DAY = 86_400_000;

/** The Worker's console lines: captured, not printed. */
captureConsole();

describe('the authorization in the user state', () => {
  it('is read from PayPay after a verification: status, granted scopes, expiry', async () => {
    const before = Date.now();
    const { uaid } = await verifiedUser();
    const state = (await userStateOf(uaid)).authorization!;
    expect(state.status).toBe('ACTIVE');
    expect(state.scopes).toEqual(
      expect.arrayContaining(['kyc_passport_qr', 'mini_app_kyc_passport']),
    );
    // The sandbox's default validity is 400 days from the approval.
    expect(Date.parse(state.expiresAt!)).toBeGreaterThan(before + 399 * DAY);
    expect(Date.parse(state.issuedAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(state.referenceId).toBeNull();
    expect((await userStateOf(uaid)).verifiedAt).not.toBeNull();
    // No phone number, no referenceIds list: only what the state documents.
    expect(Object.keys(state).sort()).toEqual(
      [
        'checkedAt',
        'expiresAt',
        'issuedAt',
        'referenceId',
        'referenceIdMode',
        'scopes',
        'status',
      ].sort(),
    );
  });

  it('shows EXPIRED, with authorization.expired at once, when PayPay says it expired', async () => {
    const { uaid } = await verifiedUser();
    const cursor = await tailCursor();
    await expireAt(uaid, Date.now() - 1000);
    const state = await userStateOf(uaid);
    expect(state.authorization?.status).toBe('EXPIRED');
    const events = (await eventsAfter(cursor)).filter((e) => e.userAuthorizationId === uaid);
    expect(events.filter((e) => e.type === 'authorization.expired')).toHaveLength(1);
    expect(events.some((e) => e.type === 'authorization.expiring')).toBe(false);
  });
});

describe('authorization.expiring and authorization.expired', () => {
  it('each comes exactly once, across cron runs, and again for a renewed expiry', async () => {
    const { uaid } = await verifiedUser();
    const now = Date.now();
    const expiry = now + 10 * DAY;
    await expireAt(uaid, expiry);
    const cursor = await tailCursor();
    const mine = async () =>
      (await eventsAfter(cursor)).filter(
        (e) => e.userAuthorizationId === uaid && e.type.startsWith('authorization.'),
      );

    await cron(now - 5 * DAY); // 15 days ahead: outside the 14-day window
    expect(await mine()).toEqual([]);
    await cron(now);
    await cron(now + 60_000);
    await cron(now + DAY);
    const expiring = await mine();
    expect(expiring.map((e) => e.type)).toEqual(['authorization.expiring']);
    expect(expiring[0]).toMatchObject({
      source: 'paypay',
      expiresAt: new Date(Math.floor(expiry / 1000) * 1000).toISOString(),
    });

    await cron(expiry + 1000);
    await cron(expiry + 60_000);
    await cron(expiry + DAY);
    expect((await mine()).map((e) => e.type)).toEqual([
      'authorization.expiring',
      'authorization.expired',
    ]);

    // PayPay renewed the authorization: both are owed again, once, for the new expiry.
    const renewed = now + 20 * DAY;
    await expireAt(uaid, renewed);
    await cron(renewed - 13 * DAY);
    await cron(renewed - 12 * DAY);
    expect((await mine()).map((e) => e.type)).toEqual([
      'authorization.expiring',
      'authorization.expired',
      'authorization.expiring',
    ]);
  });

  it('follows AUTHORIZATION_EXPIRING_DAYS', async () => {
    const { uaid } = await verifiedUser();
    const now = Date.now();
    await expireAt(uaid, now + 10 * DAY);
    const cursor = await tailCursor();
    await cron(now, { AUTHORIZATION_EXPIRING_DAYS: '3' });
    const types = async () =>
      (await eventsAfter(cursor)).filter((e) => e.userAuthorizationId === uaid).map((e) => e.type);
    expect(await types()).toEqual([]);
    await cron(now + 7 * DAY + 1000, { AUTHORIZATION_EXPIRING_DAYS: '3' });
    expect(await types()).toEqual(['authorization.expiring']);
  });
});
