import { describe, expect, it } from 'vitest';
import { admin, call, envelopeOf, nowSeconds, registerMerchant } from './support';
import { newQr, pkce, qrBody } from './qr-flow';

describe('POST /v1/qr/sessions', () => {
  it('requires a nonce', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ nonce: undefined });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('MISSING_REQUEST_PARAMS');
    expect(env.message).toContain('nonce');
  });

  it('rejects a code challenge that is not a base64url SHA-256', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({
      kycPassport: { codeChallenge: 'too-short', codeChallengeMethod: 'S256' },
    });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('codeChallenge');
  });

  it('rejects the plain PKCE method', async () => {
    const merchant = await registerMerchant();
    const { challenge } = await pkce();
    const { body } = await qrBody({
      kycPassport: { codeChallenge: challenge, codeChallengeMethod: 'plain' },
    });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('codeChallengeMethod');
  });

  it('requires https for a WEB_LINK redirectUrl but allows http to localhost', async () => {
    const merchant = await registerMerchant();
    const plain = await qrBody({ redirectUrl: 'http://shop.example/cb' });
    const env = await envelopeOf(
      await call(merchant, 'POST', '/v1/qr/sessions', { body: plain.body }),
    );
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('redirectUrl');
    const local = await qrBody({ redirectUrl: 'http://localhost:8787/v1/callback' });
    expect((await call(merchant, 'POST', '/v1/qr/sessions', { body: local.body })).status).toBe(
      201,
    );
  });

  it('accepts an app deep link for APP_DEEP_LINK', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ redirectType: 'APP_DEEP_LINK', redirectUrl: 'shopapp://kyc' });
    expect((await call(merchant, 'POST', '/v1/qr/sessions', { body })).status).toBe(201);
  });

  it('requires accountLinkFlow KYC_PASSPORT', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ accountLinkFlow: 'ACCOUNT_LINK' });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('accountLinkFlow');
  });

  it('rejects an empty scopes array', async () => {
    const merchant = await registerMerchant();
    const { body } = await qrBody({ scopes: [] });
    const env = await envelopeOf(await call(merchant, 'POST', '/v1/qr/sessions', { body }));
    expect(env.code).toBe('INVALID_PARAMS');
    expect(env.message).toContain('scopes');
  });

  it('answers 400 INVALID_REQUEST_PARAMS to a body that is not JSON', async () => {
    const merchant = await registerMerchant();
    const env = await envelopeOf(
      await call(merchant, 'POST', '/v1/qr/sessions', { rawBody: '{"scopes": [' }),
    );
    expect(env.status).toBe(400);
    expect(env.code).toBe('INVALID_REQUEST_PARAMS');
  });

  it('stores the session with what the merchant sent', async () => {
    const merchant = await registerMerchant({ qrTtlSeconds: 120 });
    const qr = await newQr(merchant, {
      scopes: ['kyc_passport_qr', 'get_kyc_info'],
      referenceId: 'order-7',
      kycData: { lastName: '山田' },
    });
    const session = (await (
      await admin(merchant, 'GET', `/sessions/${qr.codeId}`)
    ).json()) as Record<string, unknown>;
    expect(session).toMatchObject({
      codeId: qr.codeId,
      state: 'pending',
      scopes: ['kyc_passport_qr', 'get_kyc_info'],
      referenceId: 'order-7',
      kycData: { lastName: '山田' },
      nonce: qr.nonce,
      expiresAt: qr.expiryDate,
    });
    expect(qr.expiryDate - nowSeconds()).toBeGreaterThan(110);
    expect(qr.expiryDate - nowSeconds()).toBeLessThanOrEqual(120);
  });
});
