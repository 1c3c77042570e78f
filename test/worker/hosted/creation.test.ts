import { describe, expect, it } from 'vitest';
import { expectError, MERCHANT_TOKEN, ORIGIN, postSession } from '../support/flow';
import { hostedSession, merchantPost, RETURN_URL, withSettings } from './support';

describe('POST /v1/sessions with a returnUrl', () => {
  it("answers the hosted page's url on CALLBACK_URL's origin", async () => {
    const created = await hostedSession();
    expect(Object.keys(created).sort()).toEqual([
      'expiresAt',
      'qrUrl',
      'sessionId',
      'status',
      'url',
    ]);
    // CALLBACK_URL is https://kyc.example/v1/callback in the test settings.
    expect(created.url).toBe(`https://kyc.example/verify/${created.sessionId}`);
  });

  it('answers no url without one, as before', async () => {
    const response = await merchantPost({ referenceId: 'no-return' });
    expect(response.status).toBe(201);
    expect(await response.json()).not.toHaveProperty('url');
  });

  it.each([
    ['another origin', 'https://evil.example/return'],
    ['an allowed host on another port', 'https://shop.example:8443/return'],
    ['an allowed host over http', 'http://shop.example/return'],
    ['a subdomain of an allowed origin', 'https://pay.shop.example/return'],
    ['plain http on loopback, not allowed', 'http://127.0.0.1:9999/return'],
  ])('refuses %s with 400 RETURN_URL_NOT_ALLOWED', async (_, returnUrl) => {
    await expectError(await merchantPost({ returnUrl }), 400, 'RETURN_URL_NOT_ALLOWED');
  });

  it.each([
    ['a relative URL', '/return'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,hi'],
    ['credentials', 'https://user:pass@shop.example/return'],
    ['a number', 42],
    ['a very long URL', `${ORIGIN}/${'a'.repeat(2050)}`],
  ])('refuses %s with 400 INVALID_FIELD naming returnUrl', async (_, returnUrl) => {
    const response = await merchantPost({ returnUrl });
    const text = await response.clone().text();
    await expectError(response, 400, 'INVALID_FIELD');
    expect(text).toContain('returnUrl');
  });

  it('takes plain http on an allowed loopback origin in development', async () => {
    const settings = { ALLOWED_ORIGINS: 'http://127.0.0.1:9999' };
    const response = await withSettings(settings, '/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ returnUrl: 'http://127.0.0.1:9999/return' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toHaveProperty('url');
  });

  it('refuses plain http in production, even where it would name a loopback host', async () => {
    // A public host is production: the http origin is refused as a setting, and as a returnUrl.
    const settings = { ALLOWED_ORIGINS: 'https://shop.example http://127.0.0.1:9999' };
    const response = await withSettings(
      settings,
      '/v1/sessions',
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ returnUrl: 'http://127.0.0.1:9999/return' }),
      },
      'https://kyc.example',
    );
    await expectError(response, 400, 'RETURN_URL_NOT_ALLOWED');
  });

  it('is refused from a browser: 400 MERCHANT_ONLY_FIELD', async () => {
    const response = await postSession({ returnUrl: RETURN_URL });
    const text = await response.clone().text();
    await expectError(response, 400, 'MERCHANT_ONLY_FIELD');
    expect(text).toContain('returnUrl');
  });
});
