import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import handler from '../../../worker/index';

/** A fetch into the Worker under test (test settings, sandbox as PayPay): what a client is given. */
export const intoWorker = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const ctx = createExecutionContext();
  const request = new Request(input, init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await handler.fetch(request, env as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}) as typeof fetch;
