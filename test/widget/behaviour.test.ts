import { page } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import { stringsFor } from '../../widget/i18n';
import { cleanup, mount, part, phone, qrUrlOf, reach, stateOf, textOf } from './support';

const ja = stringsFor('ja');
const en = stringsFor('en');

afterEach(async () => {
  cleanup();
  document.documentElement.lang = 'en';
  await page.viewport(1280, 800);
});

describe('events', () => {
  it('fires ready, status pending/authorized/completed, then complete, each once and in order', async () => {
    const { el, events } = mount();
    await reach(el, 'qr');
    await phone(qrUrlOf(el), 'complete');
    await reach(el, 'completed');
    // Give a late poll or stream event the chance to fire twice: it must not.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const sessionId = events[0]?.detail.sessionId;
    expect(
      events.map((e) => `${e.type}${e.detail.status ? `:${String(e.detail.status)}` : ''}`),
    ).toEqual([
      'kyc-passport-ready',
      'kyc-passport-status:pending',
      'kyc-passport-status:authorized',
      'kyc-passport-status:completed',
      'kyc-passport-complete',
    ]);
    expect(events.every((e) => e.detail.sessionId === sessionId)).toBe(true);
    expect(events.at(-1)?.detail.resultToken).toMatch(/^rt1\./);
  });

  it('dispatches bubbling, composed events that a page can hear on document', async () => {
    const heard: string[] = [];
    const listener = (event: Event) =>
      heard.push(`${event.type}:${event.bubbles}:${event.composed}`);
    document.addEventListener('kyc-passport-ready', listener);
    const { el } = mount();
    await reach(el, 'qr');
    document.removeEventListener('kyc-passport-ready', listener);
    expect(heard).toEqual(['kyc-passport-ready:true:true']);
  });
});

describe('display mode', () => {
  it('keeps the QR on a narrow screen without touch (a small desktop window)', async () => {
    await page.viewport(390, 800);
    const { el } = mount();
    await reach(el, 'qr');
    expect(part(el, 'qr')).not.toBeNull();
  });

  it('forces either with mode="qr" and mode="button"', async () => {
    const qr = mount({ mode: 'qr' }).el;
    const button = mount({ mode: 'button' }).el;
    await reach(qr, 'qr');
    await reach(button, 'qr');
    expect(part(qr, 'qr')).not.toBeNull();
    expect(part(qr, 'open-button')).toBeNull();
    expect(part(button, 'open-button')).not.toBeNull();
    expect(part(button, 'qr')).toBeNull();
    expect(part(button, 'link')).toBeNull();
  });
});

describe('language', () => {
  it('follows the lang attribute, switching live', async () => {
    const { el } = mount({ lang: 'ja' });
    await reach(el, 'qr');
    expect(textOf(el)).toContain(ja.scanQr);
    el.setAttribute('lang', 'en');
    await expect.poll(() => textOf(el)).toContain(en.scanQr);
    expect(part(el, 'card')?.getAttribute('lang')).toBe('en');
  });

  it("falls back to the page's <html lang>, and follows it when it changes", async () => {
    document.documentElement.lang = 'ja';
    const { el } = mount();
    await reach(el, 'qr');
    expect(textOf(el)).toContain(ja.title);
    document.documentElement.lang = 'en';
    await expect.poll(() => textOf(el)).toContain(en.title);
  });
});

describe('cleanup', () => {
  it('leaves no timer, request or stream open after removal', async () => {
    const opened: EventSource[] = [];
    const Original = window.EventSource;
    window.EventSource = class extends Original {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        opened.push(this);
      }
    };
    try {
      const { el } = mount({ 'auto-refresh': '' });
      await reach(el, 'qr');
      await expect.poll(() => opened.length).toBeGreaterThan(0);
      expect(el.busy).toBe(true);
      el.remove();
      expect(el.busy).toBe(false);
      expect(opened.every((source) => source.readyState === EventSource.CLOSED)).toBe(true);
      // Nothing comes back to life later either.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(el.busy).toBe(false);
      expect(stateOf(el)).toBe('qr');
    } finally {
      window.EventSource = Original;
    }
  });

  it('stops following while the tab is hidden and checks at once when it is visible again', async () => {
    const { el } = mount();
    await reach(el, 'qr');
    const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
    try {
      // While hidden the phone completes; the element hears nothing.
      await phone(qrUrlOf(el), 'complete');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stateOf(el)).toBe('qr');
    } finally {
      Object.defineProperty(document, 'hidden', hidden);
      delete (document as { hidden?: boolean }).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await reach(el, 'completed');
  });

  it('keeps working when the live stream is blocked, by polling', async () => {
    const Original = window.EventSource;
    // A proxy that refuses streams: the browser gets a plain error answer instead.
    window.EventSource = class extends Original {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(String(url).replace(/\/events$/, '/events-blocked'), init);
      }
    };
    try {
      const { el } = mount();
      await reach(el, 'qr');
      await phone(qrUrlOf(el), 'complete');
      await reach(el, 'completed');
    } finally {
      window.EventSource = Original;
    }
  });
});
