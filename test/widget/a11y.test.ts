import axe from 'axe-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { PayPayKycPassport } from '../../widget/index';
import { cleanup, mount, phone, qrLifetime, qrUrlOf, reach, sandbox } from './support';

afterEach(async () => {
  cleanup();
  await sandbox('DELETE', '/faults');
  await qrLifetime(300);
});
afterAll(() => {
  document.documentElement.style.colorScheme = '';
});

/** axe-core over the element (shadow DOM included): WCAG 2.x A and AA rules, contrast among them. */
async function violations(el: PayPayKycPassport): Promise<string[]> {
  // Let transitions and fonts settle so contrast is measured on the final colours.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const result = await axe.run(el, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  });
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join(' / ')}`,
  );
}

type Scheme = 'light' | 'dark';

/**
 * The element's colours are `light-dark()` of the inherited `color-scheme`, so
 * the page's `color-scheme` alone picks them, in every engine (no media emulation).
 */
function scheme(value: Scheme): void {
  document.documentElement.style.colorScheme = value;
}

/** Brings a fresh element into `state`, the way a customer would meet it. */
async function into(
  state: string,
  attributes: Record<string, string> = {},
): Promise<PayPayKycPassport> {
  switch (state) {
    case 'idle': {
      const { el } = mount({ ...attributes, 'auto-start': 'false' });
      await reach(el, 'idle');
      return el;
    }
    case 'creating': {
      await sandbox('PUT', '/faults', {
        operation: 'createQr',
        fault: 'latency',
        latencyMs: 3000,
        times: 1,
      });
      const { el } = mount(attributes);
      await reach(el, 'creating');
      return el;
    }
    case 'authorized': {
      await sandbox('PUT', '/faults', {
        operation: 'fetchCompletedKyc',
        fault: 'latency',
        latencyMs: 3000,
        times: 1,
      });
      const { el } = mount(attributes);
      await reach(el, 'qr');
      void phone(qrUrlOf(el), 'complete');
      await reach(el, 'authorized');
      return el;
    }
    case 'completed':
    case 'failed': {
      const { el } = mount(attributes);
      await reach(el, 'qr');
      await phone(qrUrlOf(el), state === 'completed' ? 'complete' : 'risk_flagged');
      await reach(el, state);
      return el;
    }
    case 'expired': {
      await qrLifetime(1);
      const { el } = mount(attributes);
      await reach(el, 'expired');
      return el;
    }
    case 'error': {
      const { el } = mount({ ...attributes, endpoint: 'http://127.0.0.1:9' });
      await reach(el, 'error');
      return el;
    }
    default: {
      const { el } = mount(attributes);
      await reach(el, 'qr');
      return el;
    }
  }
}

const STATES: Array<[string, Record<string, string>]> = [
  ['idle', {}],
  ['creating', {}],
  ['qr', { mode: 'qr' }],
  ['qr', { mode: 'button' }],
  ['authorized', {}],
  ['completed', {}],
  ['failed', {}],
  ['expired', {}],
  ['error', {}],
];

describe.each(['light', 'dark'] as Scheme[])('accessibility in %s mode', (mode) => {
  it.each(STATES)('has no axe violations in the %s state %j', async (state, attributes) => {
    scheme(mode);
    const el = await into(state, { lang: 'ja', ...attributes });
    expect(await violations(el)).toEqual([]);
  });
});

describe('announcements and keyboard', () => {
  it('announces status politely and lets the keyboard reach the retry button', async () => {
    const el = await into('failed', { lang: 'en' });
    const status = el.shadowRoot!.querySelector('[part~="status"]')!;
    expect(status.getAttribute('role')).toBe('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!;
    expect(retry.tabIndex).toBe(0);
    retry.focus();
    expect(el.shadowRoot!.activeElement).toBe(retry);
    expect(getComputedStyle(retry).outlineStyle).toBe('solid');
  });
});
