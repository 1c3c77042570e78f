import { describe, expect, it } from 'vitest';
import { parseFields } from '../../../worker/paypay/fields';
import { client, doubleFetch, envelope, KEY, NOW, qrInput, SECRET } from '../support/paypay-double';

describe('PayPayClient', () => {
  it('reports a create answer without codeId as BAD_RESPONSE, naming the fields PayPay sent', async () => {
    const { fn } = doubleFetch([
      envelope(201, 'SUCCESS', { linkQRCodeURL: 'https://q.test/x', qr: { ref: 'secret-value' } }),
    ]);
    const result = await client(fn).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: false,
      kind: 'bad_response',
      code: 'BAD_RESPONSE',
      requestId: 'REQ-SUCCESS',
    });
    if (result.ok) throw new Error('expected a failure');
    expect(result.message).toContain('data.linkQRCodeURL, data.qr, data.qr.ref');
    expect(result.message).toContain('PAYPAY_FIELDS');
    expect(result.message).not.toContain('secret-value');
    expect(result.message).not.toContain('q.test');
  });

  it('sends the kycPassport object of PAYPAY_FIELDS and reads the code id where it says', async () => {
    const fields = parseFields(
      '{"createQr":{"kycPassport":{"pkce":{"challenge":"{codeChallenge}","method":"S256"}},"codeId":"qr.id","expiry":"qr.expiresAt"}}',
    );
    if (!fields.ok) throw new Error(fields.error);
    const { fn, seen } = doubleFetch([
      envelope(201, 'SUCCESS', {
        linkQRCodeURL: 'https://q.test/x',
        qr: { id: 'kp-9', expiresAt: NOW + 120_000 },
      }),
    ]);
    const result = await client(fn, { fields: fields.value }).c.createKycPassportQr(qrInput);
    expect(result).toMatchObject({
      ok: true,
      data: { codeId: 'kp-9', expiresAt: NOW + 120_000, expiryNote: null },
    });
    const sent = JSON.parse(new TextDecoder().decode(seen[0]!.body!));
    expect(sent.kycPassport).toEqual({
      pkce: { challenge: qrInput.codeChallenge, method: 'S256' },
    });
  });

  it('reports a success without a data object as BAD_RESPONSE', async () => {
    const { fn } = doubleFetch([envelope(200, 'SUCCESS', 'text')]);
    expect(await client(fn).c.userKycInfo('u')).toMatchObject({ ok: false, code: 'BAD_RESPONSE' });
  });

  it('keeps secrets out of failure messages', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError(`could not reach https://paypay.test with ${SECRET}`);
    };
    const result = await client(failing).c.kycPassportInfo('u');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });
});
