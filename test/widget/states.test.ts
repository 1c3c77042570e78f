import { afterEach, describe, expect, it } from 'vitest';
import { stringsFor } from '../../widget/i18n';
import {
  cleanup,
  mount,
  part,
  phone,
  qrLifetime,
  qrUrlOf,
  reach,
  sandbox,
  stateOf,
  textOf,
} from './support';

const ja = stringsFor('ja');
const en = stringsFor('en');

afterEach(async () => {
  cleanup();
  await sandbox('DELETE', '/faults');
  await qrLifetime(300);
});

describe('<paypay-kyc-passport> states', () => {
  it('waits in idle with a start button when auto-start is off, then starts on click', async () => {
    const { el } = mount({ 'auto-start': 'false', lang: 'en' });
    await reach(el, 'idle');
    const button = part(el, 'primary') as HTMLButtonElement;
    expect(button.textContent).toContain(en.start);
    button.click();
    await reach(el, 'qr');
  });

  it('shows creating while the Worker asks PayPay, then the QR with a countdown', async () => {
    await sandbox('PUT', '/faults', {
      operation: 'createQr',
      fault: 'latency',
      latencyMs: 1500,
      times: 1,
    });
    const { el } = mount({ lang: 'ja' });
    await reach(el, 'creating');
    expect(textOf(el)).toContain(ja.creating);
    await reach(el, 'qr');
    expect(part(el, 'qr')?.tagName.toLowerCase()).toBe('svg');
    expect(part(el, 'countdown')?.textContent).toMatch(/有効期限まで [0-5]:\d\d/);
  });

  it('shows authorized while the KYC is fetched, then completed', async () => {
    await sandbox('PUT', '/faults', {
      operation: 'fetchCompletedKyc',
      fault: 'latency',
      latencyMs: 2000,
      times: 1,
    });
    const { el, events } = mount({ lang: 'en' });
    await reach(el, 'qr');
    const done = phone(qrUrlOf(el), 'complete');
    await reach(el, 'authorized');
    expect(textOf(el)).toContain(en.authorized);
    expect(await done).toBe(200);
    await reach(el, 'completed');
    expect(textOf(el)).toContain(en.completed);
    expect(events.filter((e) => e.type === 'kyc-passport-complete')).toHaveLength(1);
  });

  it.each([
    ['decline', 'declined'],
    ['kyc_not_completed', 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 'CANCELED_USER'],
  ] as const)(
    'shows failed with the reason text for %s, and a retry that starts over',
    async (outcome, reason) => {
      const { el, events } = mount({ lang: 'ja' });
      await reach(el, 'qr');
      await phone(qrUrlOf(el), outcome);
      await reach(el, 'failed');
      expect(textOf(el)).toContain(ja.reasons[reason]);
      const status = events.filter((e) => e.type === 'kyc-passport-status').at(-1);
      expect(status?.detail).toMatchObject({ status: 'failed', reason });
      const first = events.find((e) => e.type === 'kyc-passport-ready')?.detail.sessionId;
      (part(el, 'retry-button') as HTMLButtonElement).click();
      await reach(el, 'qr');
      const ready = events.filter((e) => e.type === 'kyc-passport-ready');
      expect(ready).toHaveLength(2);
      expect(ready[1]?.detail.sessionId).not.toBe(first);
    },
  );

  it('shows expired when the QR runs out, fires kyc-passport-expired once, and offers a new QR', async () => {
    await qrLifetime(3);
    const { el, events } = mount({ lang: 'en' });
    await reach(el, 'qr');
    await reach(el, 'expired');
    expect(textOf(el)).toContain(en.expired);
    expect(events.filter((e) => e.type === 'kyc-passport-expired')).toHaveLength(1);
    await qrLifetime(300);
    (part(el, 'retry-button') as HTMLButtonElement).click();
    await reach(el, 'qr');
  });

  it('with auto-refresh, fetches a new QR before the old one expires', async () => {
    await qrLifetime(8);
    const { el, events } = mount({ lang: 'en', 'auto-refresh': '' });
    await reach(el, 'qr');
    const first = qrUrlOf(el);
    await expect
      .poll(() => events.filter((e) => e.type === 'kyc-passport-ready').length, { timeout: 9000 })
      .toBe(2);
    expect(stateOf(el)).toBe('qr');
    expect(qrUrlOf(el)).not.toBe(first);
    expect(events.some((e) => e.type === 'kyc-passport-expired')).toBe(false);
  });

  it('shows the error state when PayPay is down, then recovers by itself once it is back', async () => {
    await sandbox('PUT', '/faults', { operation: 'createQr', fault: 'maintenance' });
    const { el, events } = mount({ lang: 'en' });
    await reach(el, 'error');
    const error = events.find((e) => e.type === 'kyc-passport-error');
    expect(error?.detail).toMatchObject({
      code: 'PAYPAY_UNAVAILABLE',
      requestId: expect.stringMatching(/^req_/),
    });
    expect(textOf(el)).toContain(en.errors.PAYPAY_UNAVAILABLE!);
    expect(textOf(el)).toMatch(/Reference: req_/);
    await sandbox('DELETE', '/faults');
    await reach(el, 'qr');
  });

  it('shows the error state when the Worker cannot be reached, and retries on click', async () => {
    const { el, events } = mount({ lang: 'en', endpoint: 'http://127.0.0.1:9' });
    await reach(el, 'error');
    expect(events.find((e) => e.type === 'kyc-passport-error')?.detail).toMatchObject({
      code: 'NETWORK_ERROR',
      requestId: null,
    });
    expect(textOf(el)).toContain(en.errors.NETWORK_ERROR!);
    el.setAttribute('endpoint', (await import('vitest')).inject('workerUrl'));
    (part(el, 'retry-button') as HTMLButtonElement).click();
    await reach(el, 'qr');
  });

  it.each(['', 'javascript:alert(1)'])(
    'reports a bad endpoint (%j) as a configuration error, without retrying',
    async (endpoint) => {
      const { el, events } = mount({ lang: 'en', endpoint });
      await reach(el, 'error');
      expect(events.at(-1)).toMatchObject({
        type: 'kyc-passport-error',
        detail: { code: 'INVALID_CONFIG' },
      });
      expect(textOf(el)).toContain(en.errors.INVALID_CONFIG!);
      expect(textOf(el)).not.toMatch(/Reconnecting/);
      expect(el.busy).toBe(false);
    },
  );
});
