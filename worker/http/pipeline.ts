import type { IRequest } from 'itty-router';
import { logLine } from '../log';
import { logRequest, type RequestContext } from './context';
import { ApiError, errorResponse, refusalOf } from './errors';

/** What every handler gets after the request: the Worker's bindings, its context, ours. */
export type HandlerArgs = [Env, ExecutionContext, RequestContext];

/**
 * One step of a route: a check that passes (nothing) or refuses (throws an
 * ApiError), or the handler, which answers. The first Response ends the route.
 */
export type Stage = (
  request: IRequest,
  ...args: HandlerArgs
) => Response | undefined | void | Promise<Response | undefined | void>;

/**
 * The one way through the Worker, as itty-router's stages: `before` reads the
 * settings (inside the error handling, so a bad setting is a JSON 503, not
 * Cloudflare's error page), `catch` shapes every failure, `finally` adds what
 * every answer carries and writes the one log line.
 */
export const pipeline = {
  before: [readSettings],
  catch: shapeError,
  finally: [finish],
};

function readSettings(_request: IRequest, _env: Env, _ctx: ExecutionContext, rc: RequestContext) {
  void rc.config;
}

/**
 * Expected failures are ApiErrors; anything else becomes a generic 500 that
 * names the request id and nothing else (the error's name only is logged:
 * messages can carry request data).
 */
function shapeError(
  error: unknown,
  _request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  // A Durable Object's refusal on purpose (the feed's shard guard) is an answer, not a 500.
  error = refusalOf(error) ?? error;
  if (error instanceof ApiError) {
    // The log line names PayPay's request id when PayPay's failure is the answer.
    rc.paypayRequestId ??= error.paypayRequestId;
    return errorResponse(error, rc.requestId, rc.headers);
  }
  logLine('error', 'error', {
    requestId: rc.requestId,
    error: error instanceof Error ? error.name : typeof error,
  });
  return errorResponse(
    ApiError.of('INTERNAL_ERROR', 'Something went wrong'),
    rc.requestId,
    rc.headers,
  );
}

/**
 * Every answer carries our request id, the route's CORS headers, `nosniff`,
 * HSTS over https and, unless the route chose otherwise, `Cache-Control:
 * no-store` (answers hold tokens, states and personal data; the element's
 * bundles are static assets and never get here).
 */
function finish(
  response: Response | undefined,
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  rc.route = request.route ?? rc.route;
  const answer = new Response(response?.body ?? null, response);
  const headers = answer.headers;
  if (!headers.has('X-Request-Id')) headers.set('X-Request-Id', rc.requestId);
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  // No answer is to be read as another type than it says (JSON as HTML, say).
  headers.set('X-Content-Type-Options', 'nosniff');
  // Over https, browsers are to come back over https only (HSTS).
  if (new URL(request.url).protocol === 'https:')
    headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  for (const [name, value] of Object.entries(rc.headers)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  logRequest(request.method, rc, answer.status);
  return answer;
}
