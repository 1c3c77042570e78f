import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import handler from '../../../worker/index';
import { MERCHANT_TOKEN, ORIGIN, WORKER_ORIGIN, worker } from '../support/flow';

/** A return URL on the test settings' allowed origin (test/worker/project.ts). */
export const RETURN_URL = `${ORIGIN}/kyc/return?order=42`;

/** `POST /v1/sessions` from the merchant's server. */
export function merchantPost(body: unknown): Promise<Response> {
  return worker('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${MERCHANT_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A merchant session with a returnUrl: its id, QR and hosted page URL. */
export async function hostedSession(
  body: Record<string, unknown> = {},
): Promise<{ sessionId: string; qrUrl: string; url: string }> {
  const response = await merchantPost({ returnUrl: RETURN_URL, ...body });
  expect(response.status).toBe(201);
  return response.json();
}

/** The path of a hosted page URL, to ask the Worker under test at its loopback origin. */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** A request to the Worker with other settings than the test ones (a fresh parse of them). */
export async function withSettings(
  settings: Record<string, string>,
  path: string,
  init: RequestInit = {},
  origin = WORKER_ORIGIN,
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${origin}${path}`, { redirect: 'manual', ...init }) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  const response = await handler.fetch(request, { ...env, ...settings } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The directives of a Content-Security-Policy header, by name. */
export function cspOf(response: Response): Map<string, string> {
  const header = response.headers.get('Content-Security-Policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
  );
}
