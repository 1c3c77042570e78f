import type { IRequest } from 'itty-router';
import { LANGS } from '../../shared/wire';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { apiErrorOf } from '../http/failure';
import { langOf } from '../http/lang';
import { hostedErrorPage, verifyPage } from '../hosted/page';
import type { HostedView } from '../session/hosted-view';
import { parseSessionId } from '../session/ids';
import { sessionObject } from '../session/locate';

/** The hosted page's theme: optional, but a malformed one is refused by name, not half applied. */
export const HOSTED_PAGE_SETTINGS = [
  'HOSTED_PAGE_NAME',
  'HOSTED_PAGE_LOGO_URL',
  'HOSTED_PAGE_COLOR',
] as const;

/** The element's `{lang}` to its session-provider is all this route reads. */
const MAX_BODY_BYTES = 256;

type Served = HostedView & { hosted: NonNullable<HostedView['hosted']> };

/**
 * `GET /verify/:id`: the hosted verification page of a merchant session created
 * with a returnUrl. Anything else the id may be (unknown, a browser's session,
 * one without returnUrl) is one 404 page, so the page tells a guesser nothing;
 * an exchanged one is 410. A customer's browser asks: always a page, never JSON,
 * as the callback's.
 */
export async function verify(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const view = await servedSession(request, env);
  if (view === null) return hostedErrorPage('notFound', langOf(request), rc.requestId);
  if (view.exchanged) return hostedErrorPage('gone', view.hosted.lang ?? view.lang, rc.requestId);
  return verifyPage({
    view,
    lang: view.hosted.lang ?? langOf(request),
    origin: new URL(request.url).origin,
    theme: rc.config.hostedPage,
  });
}

/** The page while a HOSTED_PAGE_* setting is malformed: unavailable (503), as a page. */
export function verifyUnavailable(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  return hostedErrorPage('unavailable', langOf(request), rc.requestId);
}

/**
 * `POST /verify/:id`: the element's `session-provider` on the hosted page. The
 * session exists already, so this answers it as its creation did (no `url`,
 * no token), from the page's own origin only. It changes nothing, and without
 * CORS headers no other site can read its answer.
 */
export async function verifySession(request: IRequest, env: Env): Promise<Response> {
  // The page's no-referrer policy lets a browser send `Origin: null` on its own POST
  // (the Fetch standard does for same-origin requests); a named other origin is refused.
  const origin = request.headers.get('Origin');
  if (origin !== null && origin !== 'null' && origin !== new URL(request.url).origin)
    throw ApiError.of('ORIGIN_NOT_ALLOWED', 'Only the hosted page itself may ask');
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  checkProviderBody(body);
  const view = await servedSession(request, env);
  if (view === null) throw apiErrorOf({ code: 'SESSION_NOT_FOUND' });
  if (view.exchanged)
    throw ApiError.of('RESULT_ALREADY_EXCHANGED', 'This verification is finished');
  return Response.json(view.session);
}

/** `{}` or `{lang}`, as the element sends it; the session's language was fixed at creation. */
function checkProviderBody(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw ApiError.of('INVALID_FIELD', 'The body must be a JSON object');
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'lang') throw ApiError.of('UNKNOWN_FIELD', `Unknown field "${key}"`);
    if (!(LANGS as readonly unknown[]).includes(value))
      throw ApiError.of('INVALID_FIELD', 'lang must be ja or en');
  }
}

/** The session the id names when the hosted page serves it: a merchant's, with a returnUrl. */
async function servedSession(request: IRequest, env: Env): Promise<Served | null> {
  const parts = parseSessionId(request.params.id);
  const stub = parts && sessionObject(env, parts.objectId);
  if (!parts || !stub) return null;
  const found = await stub.hosted(parts.secret);
  if (!found.ok) return null;
  const view = found.value;
  if (view.mode !== 'merchant' || view.hosted === null) return null;
  return { ...view, hosted: view.hosted };
}
