import { commands } from 'vitest/browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringsFor } from '../../widget/i18n';
import { cleanup, mount, part, phone, qrLifetime, qrUrlOf, reach, textOf } from './support';

const en = stringsFor('en');

beforeEach(() => {
  // The merchant's own sign-in cookie: the provider knows the customer by it.
  document.cookie = 'customer=customer-0042; path=/; SameSite=Strict';
});
afterEach(async () => {
  cleanup();
  document.cookie = 'customer=; path=/; max-age=0';
  await commands.provider('ok');
  await qrLifetime(300);
});

const withProvider = (extra: Record<string, string> = {}) =>
  mount({ lang: 'en', 'session-provider': '/test-provider', ...extra });

describe('session-provider', () => {
  it("takes its session from the merchant's provider and completes when the right person approves", async () => {
    const before = (await commands.provider()).calls;
    const { el, events } = withProvider();
    await reach(el, 'qr');
    expect((await commands.provider()).calls).toBe(before + 1);
    await phone(qrUrlOf(el), 'complete', { identity: 'expected' });
    await reach(el, 'completed');
    expect(events.filter((e) => e.type === 'kyc-passport-complete')).toHaveLength(1);
  });

  it('fails with the KYC data mismatch text when someone else approves', async () => {
    const { el, events } = withProvider();
    await reach(el, 'qr');
    await phone(qrUrlOf(el), 'complete', { identity: 'other' });
    await reach(el, 'failed');
    expect(textOf(el)).toContain(en.reasons.KYC_DATA_MISMATCH);
    expect(events.at(-1)?.detail).toMatchObject({ status: 'failed', reason: 'KYC_DATA_MISMATCH' });
  });

  it("shows the provider's failure as an error, then re-asks the provider and recovers", async () => {
    await commands.provider('fail');
    const { el, events } = withProvider();
    await reach(el, 'error');
    expect(events.find((e) => e.type === 'kyc-passport-error')?.detail).toMatchObject({
      code: 'PROVIDER_ERROR',
    });
    expect(textOf(el)).toContain(en.errors.PROVIDER_ERROR!);
    const calls = (await commands.provider('ok')).calls;
    await reach(el, 'qr');
    expect((await commands.provider()).calls).toBeGreaterThan(calls);
  });

  it("passes the provider's own error body on (a customer who is not signed in)", async () => {
    document.cookie = 'customer=; path=/; max-age=0';
    const { el, events } = withProvider();
    await reach(el, 'error');
    expect(events.find((e) => e.type === 'kyc-passport-error')?.detail).toMatchObject({
      code: 'NOT_SIGNED_IN',
      requestId: 'prov-1',
    });
    expect(textOf(el)).toContain('prov-1');
  });

  it('asks the provider again for a new QR after expiry', async () => {
    await qrLifetime(2);
    const { el, events } = withProvider();
    await reach(el, 'expired');
    await qrLifetime(300);
    const calls = (await commands.provider()).calls;
    (part(el, 'retry-button') as HTMLButtonElement).click();
    await reach(el, 'qr');
    expect((await commands.provider()).calls).toBe(calls + 1);
    const ready = events.filter((e) => e.type === 'kyc-passport-ready');
    expect(ready).toHaveLength(2);
    expect(ready[0]?.detail.sessionId).not.toBe(ready[1]?.detail.sessionId);
  });
});
