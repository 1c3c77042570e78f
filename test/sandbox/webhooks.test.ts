import { describe, expect, it } from 'vitest';
import { admin, deliveries, registerMerchant, waitForDeliveries } from './support';
import { approvedUser } from './qr-flow';

describe('webhooks', () => {
  const urls = {
    kyc: 'https://merchant.test/hooks/kyc',
    risk: 'https://merchant.test/hooks/risk',
    'account-status': 'https://merchant.test/hooks/account-status',
    recon: 'https://merchant.test/hooks/recon',
  };

  it.each([
    ['risk_flagged', 'risk', 'kyc_passport.risk.update'],
    ['kyc_update_required', 'kyc', 'kyc_passport.kyc_info.updated'],
    ['cancelled_user', 'account-status', 'kyc_passport.account_status.updated'],
  ] as const)('%s on the phone sends %s to its URL', async (outcome, kind, type) => {
    const merchant = await registerMerchant({ webhookUrls: urls });
    const { uaid } = await approvedUser(merchant, outcome);
    const [delivery] = await waitForDeliveries(merchant, 1);
    expect(delivery).toMatchObject({ url: urls[kind], kind, attempt: 1, status: 200 });
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      notification_type: type,
      notification_id: delivery?.notificationId,
      user_authorization_id: uaid,
    });
    expect(Object.keys(JSON.parse(delivery?.body ?? ''))).toEqual([
      'notification_type',
      'notification_id',
      'user_authorization_id',
    ]);
  });

  it('sends nothing for an outcome whose URL is not configured', async () => {
    const merchant = await registerMerchant();
    await approvedUser(merchant, 'risk_flagged');
    await approvedUser(merchant, 'complete');
    expect(await deliveries(merchant)).toEqual([]);
  });

  it('sends copies of one notification on request, as PayPay retries do', async () => {
    const merchant = await registerMerchant({ webhookUrls: urls });
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'account-status',
      userAuthorizationId: 'a85fe9e9-b4c9-45cf-a392-834c57d83af7',
      notificationId: 'evt_aXnbdeFt2Ke',
      copies: 2,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      notificationId: string;
      deliveries: { status: number }[];
    };
    expect(answer.notificationId).toBe('evt_aXnbdeFt2Ke');
    expect(answer.deliveries.map((d) => d.status)).toEqual([200, 200]);
    const log = await deliveries(merchant);
    expect(log).toHaveLength(2);
    for (const entry of log) {
      expect(entry).toMatchObject({ kind: 'account-status', url: urls['account-status'] });
      expect(JSON.parse(entry.body)).toEqual({
        notification_type: 'kyc_passport.account_status.updated',
        notification_id: 'evt_aXnbdeFt2Ke',
        user_authorization_id: 'a85fe9e9-b4c9-45cf-a392-834c57d83af7',
      });
    }
  });

  it('retries three times against a failing receiver and logs each attempt', async () => {
    const failing = 'https://merchant.test/hooks/risk?status=500';
    const merchant = await registerMerchant({ webhookUrls: { risk: failing } });
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'risk',
      userAuthorizationId: 'u-1',
    });
    const answer = (await res.json()) as { deliveries: { status: number; attempts: number }[] };
    expect(answer.deliveries).toEqual([{ status: 500, attempts: 3 }]);
    const log = await deliveries(merchant);
    expect(log.map((d) => [d.attempt, d.status, d.url])).toEqual([
      [1, 500, failing],
      [2, 500, failing],
      [3, 500, failing],
    ]);
    expect(new Set(log.map((d) => d.notificationId)).size).toBe(1);
  });

  it('answers 409 when the kind has no URL', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/webhooks', {
      kind: 'kyc',
      userAuthorizationId: 'u-1',
    });
    expect(res.status).toBe(409);
  });
});
