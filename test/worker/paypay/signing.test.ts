import { describe, expect, it } from 'vitest';
import { opaAuthHeader, newRequestNonce } from '../../../worker/paypay/signing';

const vectorBody = `{
    "merchantPaymentId": "TEST_QR_Payment",
    "amount": {
        "amount":10,
        "currency": "JPY"
    },
    "codeType": "ORDER_QR",
    "isAuthorization":false,
    "redirectUrl":"https://about.paypay.ne.jp/",
    "redirectType":"WEB_LINK"
}`;

describe('opaAuthHeader', () => {
  it("matches PayPay's published POST vector", () => {
    const header = opaAuthHeader({
      apiKey: 'sample_key',
      apiSecret: 'sample_secret',
      method: 'POST',
      path: '/v2/codes',
      contentType: 'application/json',
      body: new TextEncoder().encode(vectorBody),
      nonce: 'fedaa4',
      epoch: 1743138611,
    });
    expect(header).toBe(
      'hmac OPA-Auth:sample_key:C2a7jD7OjL1DXnZhSYQfRI2Oxfdh43htV7pG8cwgCy4=:fedaa4:1743138611:T9wzkv1tUWIxzIHQUT7iDQ==',
    );
  });

  it("matches PayPay's published GET vector", () => {
    const header = opaAuthHeader({
      apiKey: 'sample_key',
      apiSecret: 'sample_secret',
      method: 'GET',
      path: '/v2/payments/TEST_merchantPaymentID',
      nonce: 'a360e2',
      epoch: 1743139337,
    });
    expect(header).toBe(
      'hmac OPA-Auth:sample_key:JbUZwAUKeQ+WDClEjkCGwYG/juFR+Dd5RK5AfL0gK9w=:a360e2:1743139337:empty',
    );
  });

  it('changes when one byte of the body changes', () => {
    const base = {
      apiKey: 'k',
      apiSecret: 's',
      method: 'POST',
      path: '/p',
      contentType: 'application/json',
      nonce: 'n',
      epoch: 1,
    };
    const a = opaAuthHeader({ ...base, body: new TextEncoder().encode('{"a":1}') });
    const b = opaAuthHeader({ ...base, body: new TextEncoder().encode('{"a":2}') });
    expect(a).not.toBe(b);
  });
});

describe('newRequestNonce', () => {
  it('is 16 alphanumerics and differs each call', () => {
    const a = newRequestNonce();
    expect(a).toMatch(/^[a-z0-9]{16}$/);
    expect(newRequestNonce()).not.toBe(a);
  });
});
