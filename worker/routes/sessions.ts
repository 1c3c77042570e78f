import type { IRequest } from 'itty-router';
import {
  validateCreateSession,
  validateMerchantSession,
  type MerchantSessionRequest,
  type Validated,
} from '../../shared/wire';
import { problemsWith } from '../config';
import { readJsonBody } from '../http/body';
import { corsHeaders, preflight } from '../http/cors';
import type { RequestContext } from '../http/context';
import { langOf } from '../http/lang';
import { hasBearer } from '../http/auth';
import { ApiError } from '../http/errors';
import { PAYPAY_SETTINGS } from '../paypay/from-config';
import { parseSessionId } from '../session/ids';
import { SECRET_HEADER, sessionObject } from '../session/locate';
import type { SessionMode } from '../session/record';
import { requireMerchant } from '../http/auth';
import { clientKeyOf, NETWORK_LIMIT_MULTIPLE, networkKeyOf } from '../http/rate-limit';

/** JSON bodies of session creation are small; anything bigger is not ours. */
const MAX_BODY_BYTES = 4096;
// PUBLIC_SESSIONS: a value it does not know refuses browsers by name (503), not as if "off".
const CREATE_SETTINGS = [
  ...PAYPAY_SETTINGS,
  'ALLOWED_ORIGINS',
  'CALLBACK_URL',
  'PUBLIC_SESSIONS',
] as const;
const MERCHANT_CREATE_SETTINGS = [
  ...PAYPAY_SETTINGS,
  'CALLBACK_URL',
  'MERCHANT_API_TOKEN',
] as const;

/**
 * `POST /v1/sessions`: from a browser on an allowed origin (public mode), or
 * from the merchant's server with the bearer token (merchant mode), which may
 * also pass what it knows of its signed-in customer.
 */
export async function createSession(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const { config } = rc;
  const fromServer = hasBearer(request);
  const [problem] = problemsWith(config, fromServer ? MERCHANT_CREATE_SETTINGS : CREATE_SETTINGS);
  if (problem) throw ApiError.config(problem);
  const mode: SessionMode = fromServer ? 'merchant' : 'public';
  // A server call: no CORS, and no per-IP limit (one server speaks for every customer).
  if (fromServer) await requireMerchant(request, rc);
  else admitBrowser(request, rc);
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  const checked: Validated<MerchantSessionRequest> = fromServer
    ? validateMerchantSession(body)
    : validateCreateSession(body);
  if (!checked.ok) throw ApiError.of(checked.error.code, checked.error.message);
  // Counted only once the request is one we would serve: garbage from many
  // addresses costs nothing and must not spend the customers' global share.
  if (!fromServer) await countBrowserCreation(request, env, rc);
  const { value } = checked;
  // A unique id, not one derived from a name: the object id goes out in the nonce,
  // so it must not be the session id or lead to it (the object draws the secrets).
  const stub = env.SESSIONS.get(env.SESSIONS.newUniqueId());
  const outcome = await stub.create({
    mode,
    lang: value.lang ?? langOf(request),
    redirectType: value.redirectType ?? 'WEB_LINK',
    referenceId: value.referenceId,
    phoneNumber: value.phoneNumber,
    // PayPay: on WEB_LINK "on mobile devices PayPay tries to open the browser that the
    // merchant website is using". A browser's own request tells us which one it is.
    userAgent: fromServer ? value.userAgent : browserUserAgent(request, value.redirectType),
    kycData: value.kycData,
  });
  if (!outcome.ok) {
    rc.paypayRequestId = outcome.error.paypayRequestId;
    throw ApiError.from(outcome.error);
  }
  rc.paypayRequestId = outcome.paypayRequestId;
  return Response.json(outcome.session, { status: 201 });
}

/** A browser may create a session when public sessions are on, from an allowed origin. */
function admitBrowser(request: Request, rc: RequestContext): void {
  const { config } = rc;
  if (!config.publicSessions) {
    throw ApiError.of(
      'PUBLIC_SESSIONS_DISABLED',
      'Sessions are created by the merchant server only',
    );
  }
  if (request.headers.get('Origin') === null) {
    throw ApiError.of('ORIGIN_NOT_ALLOWED', 'Browsers must send an Origin from ALLOWED_ORIGINS');
  }
  rc.headers = corsHeaders(request, config.allowedOrigins);
}

/**
 * One browser creation against its client's limit, its network's (IPv4 /24,
 * IPv6 /48) and the global cap, in that order: each is counted only once the
 * narrower ones let it through, so one noisy client or network cannot spend
 * everyone's share. Each creation is a PayPay call and a Durable Object, and a
 * flood from many /64s of one /48 is cheap.
 */
async function countBrowserCreation(request: Request, env: Env, rc: RequestContext) {
  const { config } = rc;
  const ip = request.headers.get('CF-Connecting-IP') ?? 'unknown';
  const perClient = config.sessionRateLimitPerMinute;
  await limit(env, `create:${clientKeyOf(ip)}`, perClient, 'from this address');
  const network = `create:net:${networkKeyOf(ip)}`;
  await limit(env, network, perClient * NETWORK_LIMIT_MULTIPLE, 'from this network');
  await limit(env, 'create:global', config.sessionGlobalLimitPerMinute, 'right now');
}

/** One hit on a creation counter; 429 `RATE_LIMITED` with `Retry-After` when over. */
async function limit(env: Env, key: string, perMinute: number, where: string): Promise<void> {
  const verdict = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).hit(perMinute);
  if (!verdict.allowed) {
    throw ApiError.of('RATE_LIMITED', `Too many sessions ${where}; try again shortly`, {
      'Retry-After': String(verdict.retryAfterSeconds),
    });
  }
}

/** `GET /v1/sessions/:id`: status only, never anything personal. */
export async function getSession(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  rc.headers = corsHeaders(request, rc.config.allowedOrigins);
  const { stub, secret } = sessionStub(request, env);
  const view = await stub.view(secret);
  if (view === null) throw ApiError.of('SESSION_NOT_FOUND', 'No such session');
  return Response.json(view);
}

/** `GET /v1/sessions/:id/events`: the status as Server-Sent Events from the session's object. */
export async function sessionEvents(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  rc.headers = corsHeaders(request, rc.config.allowedOrigins);
  const { stub, secret } = sessionStub(request, env);
  const answer = await stub.fetch('https://session/events', {
    headers: { [SECRET_HEADER]: secret },
  });
  if (answer.status === 404) throw ApiError.of('SESSION_NOT_FOUND', 'No such session');
  if (answer.status === 429)
    throw ApiError.of('RATE_LIMITED', 'Too many open streams for this session');
  return answer;
}

/** Preflight of the widget-facing routes. */
export function sessionsPreflight(methods: string) {
  return (request: IRequest, _env: Env, _ctx: ExecutionContext, rc: RequestContext): Response =>
    preflight(request, rc.config.allowedOrigins, methods);
}

/** The object a session id names and the secret it must prove; 404 for anything else. */
function sessionStub(request: IRequest, env: Env) {
  const parts = parseSessionId(request.params.id);
  const stub = parts && sessionObject(env, parts.objectId);
  if (!parts || !stub) throw ApiError.of('SESSION_NOT_FOUND', 'No such session');
  return { stub, secret: parts.secret };
}

/** The creating browser's User-Agent for WEB_LINK sessions: printable, at most 255 (PayPay's limit). */
function browserUserAgent(request: Request, redirectType: string | undefined): string | undefined {
  if ((redirectType ?? 'WEB_LINK') !== 'WEB_LINK') return undefined;
  // Control characters cannot be in a header PayPay passes on; drop them rather than refuse.
  const header = [...(request.headers.get('User-Agent') ?? '')]
    .filter((char) => char >= ' ' && char !== '\u007f')
    .join('')
    .trim();
  return header === '' ? undefined : header.slice(0, 255);
}
