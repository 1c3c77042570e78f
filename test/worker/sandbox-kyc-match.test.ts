import { describe, expect, it } from 'vitest';
import { MERCHANT_TOKEN, postSession, worker } from './support/flow';

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
