import type { BrowserCommand } from 'vitest/node';
import { playPhone, sandboxAdmin, setQrLifetime } from '../../../scripts/lib/sandbox-client.mjs';
import { providerState } from './provider.ts';

/** URLs of the stack the global setup started (same Node process). */
function stack(): { workerUrl: string; sandboxUrl: string } {
  return JSON.parse(process.env.WIDGET_STACK ?? '{}');
}

/**
 * Calls the sandbox's admin API from Node: the sandbox sends no CORS headers,
 * and the browser under test must not need any.
 */
const sandbox: BrowserCommand<[method: string, path: string, body?: unknown]> = (
  _ctx,
  method,
  path,
  body,
) => {
  if (!/^\/[\w/.-]*$/.test(path)) throw new Error('bad admin path');
  return sandboxAdmin(stack().sandboxUrl, method, path, body);
};

/** How long the sandbox's QRs live, in seconds. */
const qrLifetime: BrowserCommand<[seconds: number]> = (_ctx, seconds) =>
  setQrLifetime(stack().sandboxUrl, seconds);

/**
 * Plays the PayPay user on the phone page, then follows the Worker's callback
 * (a 303) to its page. Returns that page's status (or the phone page's when it
 * does not redirect).
 */
const phone: BrowserCommand<
  [qrUrl: string, outcome: string, fields?: Record<string, string>]
> = async (_ctx, qrUrl, outcome, fields = {}) => {
  if (!qrUrl.startsWith(stack().sandboxUrl)) throw new Error('not a sandbox QR');
  const played = await playPhone(qrUrl, outcome, fields);
  return played.page?.status ?? played.status;
};

/** Sets how the test merchant's session provider answers, and reports its call count. */
const provider: BrowserCommand<[mode?: 'ok' | 'fail']> = (_ctx, mode) => {
  if (mode) providerState.mode = mode;
  return { calls: providerState.calls, mode: providerState.mode };
};

export const commands = { sandboxAdmin: sandbox, qrLifetime, phone, provider };

declare module 'vitest/browser' {
  interface BrowserCommands {
    sandboxAdmin: (
      method: string,
      path: string,
      body?: unknown,
    ) => Promise<{ status: number; body: unknown }>;
    qrLifetime: (seconds: number) => Promise<{ status: number; body: unknown }>;
    phone: (qrUrl: string, outcome: string, fields?: Record<string, string>) => Promise<number>;
    provider: (mode?: 'ok' | 'fail') => Promise<{ calls: number; mode: string }>;
  }
}
