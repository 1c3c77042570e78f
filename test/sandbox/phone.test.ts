import { describe, expect, it } from 'vitest';
import { MERCHANT_TOKEN, postSession, worker } from '../worker/support/flow';
import { BASE, nowSeconds, passportInfo, registerMerchant } from './support';
import { answerPhone, approvedUser, fetchKyc, newQr, readJwt, responseToken } from './qr-flow';

describe('the phone page', () => {
  it('shows one button per outcome and the escaped referenceId', async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant, { referenceId: '<b>ref</b>' });
    const res = await fetch(qr.link);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const html = await res.text();
    for (const outcome of [
      'complete',
      'decline',
      'kyc_not_completed',
      'risk_flagged',
      'kyc_update_required',
      'cancelled_user',
      'bad_request',
      'expire',
    ]) {
      expect(html).toContain(`name="outcome" value="${outcome}" data-outcome="${outcome}"`);
    }
    expect(html).toContain('&#60;b&#62;ref&#60;/b&#62;');
    expect(html).not.toContain('<b>ref</b>');
    expect(html).toContain('<form method="post">');
  });

  it('answers 404 for an unknown code or a malformed tenant', async () => {
    const merchant = await registerMerchant();
    expect((await fetch(`${BASE}/phone/${merchant.tenant}/kpq_nothing`)).status).toBe(404);
    expect((await fetch(`${BASE}/phone/not-a-tenant/kpq_nothing`)).status).toBe(404);
  });

  it('completes: redirects with a PayPay-signed responseToken, then the KYC info is fetched', async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant, {
      redirectUrl: 'https://shop.example/kyc/callback?lang=ja',
      phoneNumber: '090-1234-5678',
    });
    const res = await answerPhone(qr.link, 'complete');
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('Location') ?? '');
    expect(location.origin + location.pathname).toBe('https://shop.example/kyc/callback');
    expect(location.searchParams.get('lang')).toBe('ja');
    const jwt = await readJwt(responseToken(res), merchant.apiSecret);
    expect(jwt.validSignature).toBe(true);
    expect(jwt.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const uaid = jwt.claims.userAuthorizationId;
    expect(uaid).toMatch(/^[0-9a-f-]{36}$/);
    expect(jwt.claims).toEqual({
      iss: 'paypay.ne.jp',
      // PayPay's: the client ID, the key without its last `_` and 4 characters.
      aud: merchant.apiKey.slice(0, -5),
      exp: expect.any(Number),
      result: 'succeeded',
      nonce: qr.nonce,
      referenceId: 'user-42',
      userAuthorizationId: uaid,
      profileIdentifier: '*******5678',
    });
    expect(Math.abs(Number(jwt.claims.exp) - (nowSeconds() + 300))).toBeLessThanOrEqual(2);

    const env = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: uaid,
    });
    expect(env.status).toBe(200);
    expect(env.code).toBe('SUCCESS');
    expect(env.data).toMatchObject({
      userAuthorizationId: uaid,
      kycStatus: 'COMPLETED',
      kycType: 'EKYC',
      name: { lastName: expect.any(String), firstNameKana: expect.any(String) },
      address: { prefecture: expect.any(String) },
      eKycDocument: { type: expect.any(String) },
    });
    expect(env.data?.residenceType).toBeUndefined();
    const selfieUrl = String(env.data?.selfieImageUrl);
    expect(selfieUrl).toBe(`${BASE}/selfie/${merchant.tenant}/${uaid}.jpg`);
    const selfie = await fetch(selfieUrl);
    expect(selfie.headers.get('Content-Type')).toBe('image/jpeg');
    expect(new Uint8Array(await selfie.arrayBuffer()).slice(0, 2)).toEqual(
      new Uint8Array([0xff, 0xd8]),
    );
  });

  it.each([
    ['kyc_not_completed', 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 'CANCELED_USER'],
  ])('%s: the token succeeds and the fetch answers 400 %s', async (outcome, code) => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    const res = await answerPhone(qr.link, outcome);
    expect(res.status).toBe(303);
    const jwt = await readJwt(responseToken(res), merchant.apiSecret);
    expect(jwt.validSignature).toBe(true);
    expect(jwt.claims.result).toBe('succeeded');
    const env = await fetchKyc(merchant, qr, {
      codeVerifier: qr.verifier,
      userAuthorizationId: jwt.claims.userAuthorizationId,
    });
    expect(env.status).toBe(400);
    expect(env.code).toBe(code);
  });

  it.each([
    ['decline', 'declined'],
    ['bad_request', 'bad_request'],
  ])(
    '%s: the token says %s with no user, and the fetch says not completed',
    async (outcome, result) => {
      const merchant = await registerMerchant();
      const qr = await newQr(merchant);
      const res = await answerPhone(qr.link, outcome);
      expect(res.status).toBe(303);
      const jwt = await readJwt(responseToken(res), merchant.apiSecret);
      expect(jwt.validSignature).toBe(true);
      expect(jwt.claims).toEqual({
        iss: 'paypay.ne.jp',
        aud: merchant.apiKey.slice(0, -5),
        exp: expect.any(Number),
        result,
        nonce: qr.nonce,
        referenceId: 'user-42',
      });
      const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
      expect(env.code).toBe('KYC_PASSPORT_NOT_COMPLETED');
    },
  );

  it('answers 410 to a second answer on the same code', async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(303);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(410);
    expect((await fetch(qr.link)).status).toBe(410);
  });

  it('expire: answers 410 and the code is gone for the fetch', async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    const res = await answerPhone(qr.link, 'expire');
    expect(res.status).toBe(410);
    expect(res.headers.get('Location')).toBeNull();
    const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
    expect(env.status).toBe(404);
    expect(env.code).toBe('SESSION_NOT_FOUND');
  });

  it('a QR past its qrTtlSeconds shows 410 and fetches as SESSION_NOT_FOUND', async () => {
    const merchant = await registerMerchant({ qrTtlSeconds: 1 });
    const qr = await newQr(merchant);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetch(qr.link)).status).toBe(410);
    expect((await answerPhone(qr.link, 'complete')).status).toBe(410);
    const env = await fetchKyc(merchant, qr, { codeVerifier: qr.verifier });
    expect(env.code).toBe('SESSION_NOT_FOUND');
  });

  it('records a NON_EKYC user when the phone says so', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(
      merchant,
      'complete',
      { scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'] },
      { kycType: 'NON_EKYC' },
    );
    const env = await passportInfo(merchant, uaid);
    expect(env.data?.kycType).toBe('NON_EKYC');
  });
});

async function qrOf(body: unknown, merchant: boolean): Promise<string> {
  const response = merchant
    ? await worker('/v1/sessions', {
        method: 'POST',
        headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    : await postSession(body);
  return (await response.json<{ qrUrl: string }>()).qrUrl;
}

describe('sandbox phone page and kycData', () => {
  it('asks who approves only when the merchant sent kycData', async () => {
    const withData = await (
      await fetch(await qrOf({ kycData: { lastName: '山田', dateOfBirth: '1990-04-01' } }, true))
    ).text();
    expect(withData).toContain('data-identity="expected"');
    expect(withData).toContain('data-identity="other"');
    const without = await (await fetch(await qrOf({}, false))).text();
    expect(without).not.toContain('data-identity');
  });
});
