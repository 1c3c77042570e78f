import type { IRequest } from 'itty-router';
import {
  validateCreateSession,
  validateMerchantSession,
  type MerchantSessionRequest,
  type Validated,
} from '../../shared/wire';
import { DEFAULT_CLAIMS, type ClaimName } from '../../shared/claims';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { apiErrorOf } from '../http/failure';
import { langOf } from '../http/lang';
import { checkedPaypay, checkedSettings } from '../http/needs';
import type { Stage } from '../http/pipeline';
import { requestSlot } from '../http/slot';
import { PAYPAY_SETTINGS } from '../paypay/from-config';
import { parseSessionId } from '../session/ids';
import { SECRET_HEADER, sessionObject } from '../session/locate';
import type { SessionMode } from '../session/record';
import { checkedReturnUrl, hostedPageUrl } from '../hosted/return-url';

/** JSON bodies of session creation are small; anything bigger is not ours. */
const MAX_BODY_BYTES = 4096;
/** What a QR needs whoever asks for it: PayPay, and where PayPay sends the phone back. */
const QR_SETTINGS = [...PAYPAY_SETTINGS, 'CALLBACK_URL', 'ACCEPTED_KYC_METHODS'] as const;
/** A merchant server's creation (its bearer's setting is the `merchant` stage's). */
export const MERCHANT_CREATE_SETTINGS = QR_SETTINGS;
/**
 * A browser's creation. PUBLIC_SESSIONS: a value it does not know refuses
 * browsers by name (503), not as if "off".
 */
export const PUBLIC_CREATE_SETTINGS = [
  ...QR_SETTINGS,
  'ALLOWED_ORIGINS',
  'PUBLIC_SESSIONS',
  'ALLOWED_CLAIMS',
] as const;

/** A creation's body, checked for its caller. */
interface SessionBody {
  mode: SessionMode;
  value: MerchantSessionRequest;
  /** The claims the session gets (claimsOf). */
  claims: ClaimName[];
}

const sessionBodies = requestSlot<SessionBody>('sessionBody');

/**
 * Stage of a browser's creation: public sessions are on and the browser says
 * its Origin (`widgetCors`, next, checks that it is allowed).
 */
export const browser: Stage = (request, _env, _ctx, rc) => {
  if (!rc.config.publicSessions) {
    throw ApiError.of(
      'PUBLIC_SESSIONS_DISABLED',
      'Sessions are created by the merchant server only',
    );
  }
  if (request.headers.get('Origin') === null) {
    throw ApiError.of('ORIGIN_NOT_ALLOWED', 'Browsers must send an Origin from ALLOWED_ORIGINS');
  }
};

/**
 * Stage: the creation's body, read and validated for the caller (a merchant's
 * server may also pass what it knows of its signed-in customer). A stage, not
 * the handler's first lines, so that the creation limits count only requests
 * we would serve.
 */
export function sessionBody(mode: SessionMode): Stage {
  return async (request, _env, _ctx, rc) => {
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    const checked: Validated<MerchantSessionRequest> =
      mode === 'merchant' ? validateMerchantSession(body) : validateCreateSession(body);
    if (!checked.ok) throw ApiError.of(checked.error.code, checked.error.message);
    const claims = claimsOf(mode, checked.value.claims, rc.config.claims.allowed);
    const { returnUrl } = checked.value;
    // Only a merchant's body can hold one (MERCHANT_ONLY_FIELDS).
    if (returnUrl !== undefined) checked.value.returnUrl = checkedReturnUrl(returnUrl, rc.config);
    sessionBodies.set(request, { mode, value: checked.value, claims });
  };
}

/**
 * `POST /v1/sessions`: from a browser on an allowed origin (public mode), or
 * from the merchant's server with the bearer token (merchant mode).
 */
export async function createSession(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const { mode, value, claims } = sessionBodies.get(request);
  const [callbackUrl] = checkedSettings(rc, ['CALLBACK_URL']);
  // A unique id, not one derived from a name: the object id goes out in the nonce,
  // so it must not be the session id or lead to it (the object draws the secrets).
  const stub = env.SESSIONS.get(env.SESSIONS.newUniqueId());
  const created = await stub.create({
    mode,
    lang: value.lang ?? langOf(request),
    redirectType: value.redirectType ?? 'WEB_LINK',
    referenceId: value.referenceId,
    phoneNumber: value.phoneNumber,
    // PayPay: on WEB_LINK "on mobile devices PayPay tries to open the browser that the
    // merchant website is using". A browser's own request tells us which one it is.
    userAgent:
      mode === 'merchant' ? value.userAgent : browserUserAgent(request, value.redirectType),
    kycData: value.kycData,
    paypay: checkedPaypay(rc),
    callbackUrl,
    scopes: rc.config.paypay.scopes,
    claims,
    acceptedMethods: rc.config.claims.acceptedMethods,
    hosted:
      value.returnUrl === undefined
        ? undefined
        : { returnUrl: value.returnUrl, lang: value.lang ?? null },
  });
  if (!created.ok) throw apiErrorOf(created.error);
  rc.paypayRequestId = created.value.paypayRequestId;
  const { session } = created.value;
  // The page to send the customer to, where the merchant's shop has no script of ours.
  const url = value.returnUrl && hostedPageUrl(callbackUrl, session.sessionId);
  return Response.json(url ? { ...session, url } : session, { status: 201 });
}

/** `GET /v1/sessions/:id`: status only, never anything personal. */
export async function getSession(request: IRequest, env: Env): Promise<Response> {
  const { stub, secret } = sessionStub(request, env);
  const view = await stub.view(secret);
  if (!view.ok) throw apiErrorOf(view.error);
  return Response.json(view.value);
}

/** `GET /v1/sessions/:id/events`: the status as Server-Sent Events from the session's object. */
export async function sessionEvents(request: IRequest, env: Env): Promise<Response> {
  const { stub, secret } = sessionStub(request, env);
  const answer = await stub.fetch('https://session/events', {
    headers: { [SECRET_HEADER]: secret },
  });
  if (answer.status === 404) throw apiErrorOf({ code: 'SESSION_NOT_FOUND' });
  if (answer.status === 429) {
    const message = 'Too many open streams for this session';
    throw apiErrorOf({ code: 'RATE_LIMITED', retryAfterSeconds: null, message });
  }
  return answer;
}

/** The object a session id names and the secret it must prove; 404 for anything else. */
function sessionStub(request: IRequest, env: Env) {
  const parts = parseSessionId(request.params.id);
  const stub = parts && sessionObject(env, parts.objectId);
  if (!parts || !stub) throw apiErrorOf({ code: 'SESSION_NOT_FOUND' });
  return { stub, secret: parts.secret };
}

/**
 * The claims a session gets. A merchant's server asks for what it needs; a
 * browser only for what ALLOWED_CLAIMS lists, since anyone can write the
 * element's attribute. Naming none means `kyc` (as before claims existed) where
 * allowed, else everything ALLOWED_CLAIMS lists.
 */
function claimsOf(
  mode: SessionMode,
  asked: ClaimName[] | undefined,
  allowed: readonly ClaimName[],
): ClaimName[] {
  if (mode === 'merchant') return asked ?? [...DEFAULT_CLAIMS];
  if (asked === undefined)
    return DEFAULT_CLAIMS.every((claim) => allowed.includes(claim))
      ? [...DEFAULT_CLAIMS]
      : [...allowed];
  const refused = asked.find((claim) => !allowed.includes(claim));
  if (refused !== undefined)
    throw ApiError.of(
      'CLAIM_NOT_ALLOWED',
      `The claim "${refused}" is not in ALLOWED_CLAIMS; ask for it from the merchant server`,
    );
  return asked;
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
