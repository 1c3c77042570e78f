import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { expect } from 'vitest';
import handler from '../../../worker/index';
import type { SessionRecord } from '../../../worker/session/record';
import {
  arrive,
  exchange,
  freshIp,
  MERCHANT_TOKEN,
  ORIGIN,
  phone,
  sessionObjectOf,
  worker,
  WORKER_ORIGIN,
} from '../support/flow';

/** A request to a Worker with the test settings plus `overrides`. */
export async function workerWith(
  path: string,
  init: RequestInit,
  overrides: Record<string, string>,
  origin = WORKER_ORIGIN,
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${origin}${path}`, { redirect: 'manual', ...init });
  const response = await handler.fetch(
    request as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...overrides } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** `POST /v1/sessions` from the element (public) or the merchant's server (bearer). */
export function createSession(
  body: unknown,
  mode: 'public' | 'merchant' = 'public',
  overrides: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> =
    mode === 'public'
      ? { Origin: ORIGIN, 'CF-Connecting-IP': freshIp() }
      : { Authorization: `Bearer ${MERCHANT_TOKEN}` };
  return workerWith(
    '/v1/sessions',
    {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    },
    overrides,
  );
}

/**
 * A session with `body` taken through the sandbox phone (with the phone page's
 * `fields`) and our callback: its id, status, failure and result token.
 */
export async function verify(
  body: unknown,
  options: {
    mode?: 'public' | 'merchant';
    fields?: Record<string, string>;
    overrides?: Record<string, string>;
  } = {},
): Promise<{ sessionId: string; status: string; reason?: string; resultToken?: string }> {
  const created = await createSession(body, options.mode, options.overrides);
  expect(created.status).toBe(201);
  const { sessionId, qrUrl } = await created.json<{ sessionId: string; qrUrl: string }>();
  const location = await phone(qrUrl, 'complete', options.fields);
  expect(location).not.toBeNull();
  expect((await arrive(location!)).status).toBe(200);
  const view = await (
    await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } })
  ).json<{ status: string; resultToken?: string; error?: { reason: string } }>();
  return {
    sessionId,
    status: view.status,
    reason: view.error?.reason,
    resultToken: view.resultToken,
  };
}

/** Everything the session's object has stored, as one JSON text. */
export async function storedText(sessionId: string): Promise<string> {
  return runInDurableObject(sessionObjectOf(sessionId), async (_instance, state) => {
    const all = await state.storage.list();
    return JSON.stringify([...all.entries()]);
  });
}

/** The session's record as stored. */
export async function storedRecord(sessionId: string): Promise<SessionRecord> {
  return runInDurableObject(sessionObjectOf(sessionId), async (_instance, state) => {
    return (await state.storage.get<SessionRecord>('session'))!;
  });
}

/** The exchange's answer, checked to be 200. */
export async function exchanged(resultToken: string): Promise<Record<string, unknown>> {
  const response = await exchange(resultToken);
  expect(response.status).toBe(200);
  return response.json<Record<string, unknown>>();
}

/**
 * What no age-only session may hold anywhere: Japanese text (names,
 * addresses), a calendar date, or PayPay's field names for them.
 */
export const PERSONAL_TRACES = [
  /[\u3040-\u30ff\u4e00-\u9fff]/,
  /\b(19|20)\d{2}-?\d{2}-?\d{2}\b/,
  /dateOfBirth|birth|lastName|firstName|address|postalCode|prefecture|gender/i,
];
