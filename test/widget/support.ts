import { commands } from 'vitest/browser';
import { expect, inject } from 'vitest';
import '../../widget/index';
import type { PayPayKycPassport } from '../../widget/index';

export interface Recorded {
  type: string;
  detail: Record<string, unknown>;
}

const EVENT_TYPES = [
  'kyc-passport-ready',
  'kyc-passport-status',
  'kyc-passport-complete',
  'kyc-passport-expired',
  'kyc-passport-error',
];

/** Puts a `<paypay-kyc-passport>` on the page, pointed at the test stack's Worker. */
export function mount(attributes: Record<string, string> = {}): {
  el: PayPayKycPassport;
  events: Recorded[];
} {
  const el = document.createElement('paypay-kyc-passport');
  el.setAttribute('endpoint', inject('workerUrl'));
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  const events: Recorded[] = [];
  for (const type of EVENT_TYPES) {
    el.addEventListener(type, (event) =>
      events.push({ type, detail: (event as CustomEvent).detail }),
    );
  }
  document.body.append(el);
  return { el, events };
}

/** The element's current state, as its card says. */
export function stateOf(el: PayPayKycPassport): string | undefined {
  return el.shadowRoot?.querySelector<HTMLElement>('[part~="card"]')?.dataset.state;
}

/** Waits for the element to reach `state`. */
export async function reach(el: PayPayKycPassport, state: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => stateOf(el), { timeout, interval: 50 }).toBe(state);
}

/** A part of the element's shadow DOM. */
export function part(el: PayPayKycPassport, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

/** The visible text of the element. */
export function textOf(el: PayPayKycPassport): string {
  return (el.shadowRoot?.querySelector('[part~="card"]') as HTMLElement | null)?.innerText ?? '';
}

/** The QR URL the element shows (from the QR's accessible name or the Open PayPay link). */
export function qrUrlOf(el: PayPayKycPassport): string {
  const link = part(el, 'open-button')?.getAttribute('href');
  if (link) return link;
  const label = part(el, 'qr')?.getAttribute('aria-label') ?? '';
  return /(https?:[^)）\s]+)/.exec(label)?.[1] ?? '';
}

/** The sandbox's admin API, through a Node-side command. */
export async function sandbox(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await commands.sandboxAdmin(method, path, body);
  expect(answer.status, `${method} ${path}`).toBeLessThan(300);
  return answer.body;
}

/** Sets how long the sandbox's QRs live (seconds). */
export async function qrLifetime(seconds: number): Promise<void> {
  expect((await commands.qrLifetime(seconds)).status).toBe(200);
}

/** Plays the PayPay user on the sandbox phone page, then the callback; resolves with the status of the page the phone ends on. */
export function phone(
  qrUrl: string,
  outcome: string,
  fields: Record<string, string> = {},
): Promise<number> {
  return commands.phone(qrUrl, outcome, fields);
}

/** Removes every element the tests put on the page. */
export function cleanup(): void {
  for (const el of document.querySelectorAll('paypay-kyc-passport')) el.remove();
}
