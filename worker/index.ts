import { configOf } from './config';
import { runScheduled } from './cron';
import { logRequest, newRequestId, type RequestContext } from './http/context';
import { ApiError, errorResponse } from './http/errors';
import { router } from './router';

export { EventFeed } from './feed/event-feed';
export { CreationRateLimiter } from './rate-limit';
export { VerificationSession } from './session/verification-session';

/**
 * The merchant's Worker: wiring only. Expected failures are ApiErrors; anything
 * else becomes a generic 500 that names the request id and nothing else.
 */
export default {
  async fetch(request, env, ctx): Promise<Response> {
    const rc: RequestContext = {
      requestId: newRequestId(),
      startedAt: Date.now(),
      config: configOf(env),
      route: 'unmatched',
      paypayRequestId: null,
      headers: {},
    };
    let response: Response;
    try {
      response = await router.fetch(request, env, ctx, rc);
    } catch (error) {
      response =
        error instanceof ApiError
          ? errorResponse(error, rc.requestId, rc.headers)
          : internalError(error, rc);
    }
    rc.route = (request as Request & { route?: string }).route ?? rc.route;
    if (!response.headers.has('X-Request-Id')) {
      response = new Response(response.body, response);
      response.headers.set('X-Request-Id', rc.requestId);
    }
    logRequest(request.method, rc, response.status);
    return response;
  },

  /** Every minute: recon retries, due re-reads, forwarding retries, KV copies. */
  async scheduled(controller, env): Promise<void> {
    const startedAt = Date.now();
    const summary = await runScheduled(env, configOf(env), controller.scheduledTime);
    console.log(
      JSON.stringify({
        type: 'cron',
        cron: controller.cron,
        ms: Date.now() - startedAt,
        ...summary,
      }),
    );
  },
} satisfies ExportedHandler<Env>;

function internalError(error: unknown, rc: RequestContext): Response {
  // The error's name only: messages can carry request data.
  console.error(
    JSON.stringify({
      type: 'error',
      requestId: rc.requestId,
      error: error instanceof Error ? error.name : typeof error,
    }),
  );
  return errorResponse(
    new ApiError(500, 'INTERNAL_ERROR', 'Something went wrong'),
    rc.requestId,
    rc.headers,
  );
}
