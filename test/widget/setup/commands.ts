import type { BrowserCommand } from 'vitest/node';
import { providerState } from './provider.ts';

/** URLs of the stack the global setup started (same Node process). */
function stack(): { workerUrl: string; sandboxUrl: string } {
  return JSON.parse(process.env.WIDGET_STACK ?? '{}');
}

/**
 * Calls the sandbox's admin API from Node: the sandbox sends no CORS headers,
 * and the browser under test must not need any.
 */
const sandboxAdmin: BrowserCommand<[method: string, path: string, body?: unknown]> = async (
  _ctx,
  method,
  path,
  body,
) => {
  if (!/^\/[\w/.-]*$/.test(path)) throw new Error('bad admin path');
  const response = await fetch(`${stack().sandboxUrl}/_sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
};

/**
 * Plays the PayPay user: picks `outcome` on the sandbox phone page, then lands
 * on the Worker's callback like the phone's browser would. Returns the
 * callback page's status (or the phone page's when it does not redirect).
 */
const phone: BrowserCommand<
  [qrUrl: string, outcome: string, fields?: Record<string, string>]
> = async (_ctx, qrUrl, outcome, fields = {}) => {
  if (!qrUrl.startsWith(stack().sandboxUrl)) throw new Error('not a sandbox QR');
  const answer = await fetch(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...fields }),
    redirect: 'manual',
  });
  const location = answer.headers.get('Location');
  if (answer.status !== 303 || !location) return answer.status;
  return (await fetch(location)).status;
};

/** Sets how the test merchant's session provider answers, and reports its call count. */
const provider: BrowserCommand<[mode?: 'ok' | 'fail']> = (_ctx, mode) => {
  if (mode) providerState.mode = mode;
  return { calls: providerState.calls, mode: providerState.mode };
};

export const commands = { sandboxAdmin, phone, provider };

declare module 'vitest/browser' {
  interface BrowserCommands {
    sandboxAdmin: (
      method: string,
      path: string,
      body?: unknown,
    ) => Promise<{ status: number; body: unknown }>;
    phone: (qrUrl: string, outcome: string, fields?: Record<string, string>) => Promise<number>;
    provider: (mode?: 'ok' | 'fail') => Promise<{ calls: number; mode: string }>;
  }
}
