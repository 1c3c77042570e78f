import { ApiError } from './errors';
import type { Stage } from './pipeline';

/**
 * CORS for the widget-facing routes: only origins in ALLOWED_ORIGINS get CORS
 * headers; any other Origin is refused outright rather than answered without
 * them, so a misconfigured page fails loudly.
 */
export function corsHeaders(
  request: Request,
  allowed: ReadonlySet<string>,
): Record<string, string> {
  const origin = request.headers.get('Origin');
  if (origin === null) return {};
  if (!allowed.has(origin))
    throw ApiError.of('ORIGIN_NOT_ALLOWED', 'This origin may not use the KYC Passport API');
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/**
 * Stage of the widget-facing routes: an allowed Origin's CORS headers, which
 * the pipeline puts on every answer of the route, errors included.
 */
export const widgetCors: Stage = (request, _env, _ctx, rc) => {
  rc.headers = corsHeaders(request, rc.config.allowedOrigins);
};

/** The handler of a widget-facing path's preflight, from an allowed origin. */
export function preflight(methods: string): Stage {
  return (request, _env, _ctx, rc) => {
    const headers = corsHeaders(request, rc.config.allowedOrigins);
    if (!headers['Access-Control-Allow-Origin'])
      throw ApiError.of('ORIGIN_NOT_ALLOWED', 'A preflight needs an Origin');
    return new Response(null, {
      status: 204,
      headers: {
        ...headers,
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      },
    });
  };
}
