import { cdp, page } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import { stringsFor } from '../../widget/i18n';
import { cleanup, mount, part, qrUrlOf, reach, sandbox } from './support';

// The tests here change what the page reports about the device (touch, motion
// preferences), which only Chromium's DevTools protocol can do from a test. The
// widget-firefox and widget-webkit projects exclude *.chromium.test.ts.

const en = stringsFor('en');

afterEach(async () => {
  cleanup();
  await sandbox('DELETE', '/faults');
  await cdp().send('Emulation.setTouchEmulationEnabled', { enabled: false });
  await cdp().send('Emulation.setEmulatedMedia', { features: [] });
  await page.viewport(1280, 800);
});

describe('display mode', () => {
  it('shows the QR on a desktop and the Open PayPay link on a narrow touch screen (Chromium only: touch emulation needs CDP)', async () => {
    const { el } = mount({ lang: 'en' });
    await reach(el, 'qr');
    expect(part(el, 'qr')).not.toBeNull();
    expect(part(el, 'open-button')).toBeNull();

    await cdp().send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await page.viewport(390, 800);
    await expect.poll(() => part(el, 'open-button') !== null).toBe(true);
    const link = part(el, 'open-button') as HTMLAnchorElement;
    expect(link.tagName).toBe('A');
    expect(link.textContent).toContain(en.openPayPay);
    expect(link.href).toBe(qrUrlOf(el));
    expect(part(el, 'qr')).toBeNull();

    const toggle = part(el, 'link') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await expect.poll(() => part(el, 'qr') !== null).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });
});

describe('motion', () => {
  it('does not spin the spinner when the reader prefers reduced motion (Chromium only: media emulation needs CDP)', async () => {
    await cdp().send('Emulation.setEmulatedMedia', {
      features: [{ name: 'prefers-reduced-motion', value: 'reduce' }],
    });
    // Held in `creating` by a slow QR creation in the sandbox.
    await sandbox('PUT', '/faults', {
      operation: 'createQr',
      fault: 'latency',
      latencyMs: 3000,
      times: 1,
    });
    const { el } = mount();
    await reach(el, 'creating');
    const spinner = () => el.shadowRoot!.querySelector('.spinner')!;
    expect(getComputedStyle(spinner()).animationName).toBe('none');
    await cdp().send('Emulation.setEmulatedMedia', {
      features: [{ name: 'prefers-reduced-motion', value: 'no-preference' }],
    });
    expect(getComputedStyle(spinner()).animationName).not.toBe('none');
  });
});
