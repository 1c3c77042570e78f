import { describe, expect, it } from 'vitest';
import { admin, adminJson, BASE, registerMerchant, type TestMerchant } from './support';
import { newQr } from './qr-flow';

describe('PUT /_sandbox/merchant', () => {
  async function reRegister(merchant: TestMerchant, extra: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${BASE}/_sandbox/merchant`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: merchant.apiKey, apiSecret: merchant.apiSecret, ...extra }),
    });
    expect(res.status).toBe(200);
  }

  it('keeps the webhook URLs when a re-registration omits them, and clears them on {}', async () => {
    const merchant = await registerMerchant({ webhookUrls: { kyc: 'https://merchant.test/kyc' } });
    await reRegister(merchant, { qrTtlSeconds: 30 });
    expect(
      (await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' }))
        .status,
    ).toBe(200);
    await reRegister(merchant, { webhookUrls: {} });
    expect(
      (await admin(merchant, 'POST', '/webhooks', { kind: 'kyc', userAuthorizationId: 'u-1' }))
        .status,
    ).toBe(409);
  });
});

describe('admin and pages', () => {
  it('rejects a registration whose secret is not base64', async () => {
    const res = await fetch(`${BASE}/_sandbox/merchant`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: `k_${crypto.randomUUID()}`, apiSecret: 'not base64!' }),
    });
    expect(res.status).toBe(400);
  });

  it('answers 404 to the admin API of an unregistered merchant', async () => {
    const res = await fetch(`${BASE}/_sandbox/calls`, {
      headers: { 'X-Sandbox-Api-Key': `nobody_${crypto.randomUUID()}` },
    });
    expect(res.status).toBe(404);
  });

  it('lists the QR sessions with their state and link, and shows one by codeId', async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    const list = await adminJson<{ sessions: Record<string, unknown>[] }>(
      merchant,
      'GET',
      '/sessions',
    );
    expect(list.body.sessions).toEqual([
      expect.objectContaining({
        codeId: qr.codeId,
        nonce: qr.nonce,
        state: 'pending',
        linkQRCodeURL: qr.link,
      }),
    ]);
    const one = await adminJson(merchant, 'GET', `/sessions/${qr.codeId}`);
    expect(one.body).toMatchObject({ codeId: qr.codeId, linkQRCodeURL: qr.link });
    expect((await admin(merchant, 'GET', '/sessions/kpq_unknown')).status).toBe(404);
  });

  it('serves an index page and a health check', async () => {
    const index = await fetch(`${BASE}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('/v1/qr/sessions');
    expect(await (await fetch(`${BASE}/healthz`)).json()).toEqual({ ok: true });
  });
});
