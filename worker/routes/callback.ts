import type { IRequest } from 'itty-router';
import type { Lang } from '../../shared/wire';
import type { RequestContext } from '../http/context';
import { checkedPaypay, checkedSettings } from '../http/needs';
import { verifyResponseToken, type TokenVerdict } from '../paypay/jwt';
import { acceptedAudiences, logRefusedAudience } from '../paypay/client-id';
import { PAYPAY_SETTINGS } from '../paypay/from-config';
import { callbackPage, type PageKind } from '../http/callback-page';
import { DONE_PATH, outcomeUrl, readOutcome } from '../http/callback-outcome';
import { objectIdOfNonce } from '../session/ids';
import { sessionObject } from '../session/locate';
import type { CallbackInput } from '../session/contract';
import { langOf } from '../http/lang';
import { reread } from '../feed/reread';

/**
 * What the callback and its page need: PayPay's key (the token's audience)
 * and secret (its key, and the outcome's), and a usable client ID.
 */
export const CALLBACK_SETTINGS = [...PAYPAY_SETTINGS, 'PAYPAY_CLIENT_ID'] as const;

/** The status of each page: the phone's browser shows it, a script or a test reads it. */
const STATUS: Record<PageKind['kind'], number> = {
  completed: 200,
  failed: 200,
  already: 200,
  expired: 410,
  invalid: 400,
};

/**
 * `GET /v1/callback?responseToken=`: where PayPay sends the phone. The token is
 * used here, then the phone is sent on (303) to `/v1/callback/done`, whose URL
 * carries the outcome but no token: the address bar, the history and any log
 * of the page's URL never hold it. Whatever happens, the phone ends on a page
 * in its language, never a stack trace.
 */
export async function callback(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const [apiSecret] = checkedSettings(rc, ['PAYPAY_API_SECRET']);
  const { page, lang } = await useToken(request, env, ctx, rc);
  const outcome = { page, lang, requestId: rc.requestId };
  return seeOther(await outcomeUrl(request.url, outcome, apiSecret));
}

/**
 * The callback's answer while PayPay's settings are unusable: nothing can be
 * verified, or signed, so the done page says PayPay is unavailable.
 */
export function toUnavailablePage(request: IRequest): Response {
  return seeOther(new URL(DONE_PATH, request.url));
}

/**
 * `GET /v1/callback/done?outcome=…&sig=…`: the page of an outcome the callback
 * signed. An altered, foreign or stale one is the invalid page: this URL can
 * only show what the callback found.
 */
export async function callbackDone(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const [apiSecret] = checkedSettings(rc, ['PAYPAY_API_SECRET']);
  const outcome = await readOutcome(new URL(request.url), apiSecret);
  if (outcome === null)
    return callbackPage({ kind: 'invalid' }, langOf(request), rc.requestId, 400);
  return callbackPage(outcome.page, outcome.lang, outcome.requestId, STATUS[outcome.page.kind]);
}

/** The done page while PayPay's settings are unusable: PayPay is unavailable (503). */
export function unavailablePage(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  return callbackPage(
    { kind: 'failed', reason: 'PAYPAY_ERROR' },
    langOf(request),
    rc.requestId,
    503,
  );
}

/** Verifies the responseToken and hands it to its session: the page the phone is to see. */
async function useToken(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<{ page: PageKind; lang: Lang }> {
  const invalid = { page: { kind: 'invalid' } as const, lang: langOf(request) };
  const token = new URL(request.url).searchParams.get('responseToken');
  if (token === null || token.length === 0 || token.length > 4096) return invalid;
  const paypay = checkedPaypay(rc);
  const { clientId } = rc.config.paypay;
  const verdict = await verifyResponseToken(token, {
    audiences: acceptedAudiences(clientId, paypay.apiKey),
    apiSecret: paypay.apiSecret,
  });
  let input: CallbackInput;
  if (verdict.verdict !== 'invalid') input = callbackInputOf(verdict);
  else if (verdict.reason !== 'audience') return invalid;
  else {
    // Signed with our secret, yet for another audience: a setting to fix, so say
    // which, and fail the session it names rather than leave it waiting.
    logRefusedAudience(verdict.seen, clientId, rc.requestId);
    if (verdict.nonce === null) return invalid;
    input = { result: 'misaddressed', nonce: verdict.nonce };
  }
  // The nonce names the object only; the object checks the nonce's secret.
  const objectId = objectIdOfNonce(input.nonce);
  const stub = objectId === null ? null : sessionObject(env, objectId);
  if (stub === null) return invalid;

  const used = await stub.callback(input, paypay);
  if (!used.ok) return invalid;
  const { page, lang, paypayRequestId, reread: claim } = used.value;
  rc.paypayRequestId = paypayRequestId;
  // PayPay's authorization of the user, read after the phone has its answer.
  if (claim !== null) ctx.waitUntil(reread(env, rc.config, claim, Date.now()));
  return { page, lang };
}

/** What the session object is told of a token that named it. */
function callbackInputOf(verdict: Exclude<TokenVerdict, { verdict: 'invalid' }>): CallbackInput {
  switch (verdict.verdict) {
    case 'ok':
      return {
        result: 'succeeded',
        nonce: verdict.claims.nonce,
        userAuthorizationId: verdict.claims.userAuthorizationId,
      };
    case 'declined':
    case 'bad_request':
      return { result: verdict.verdict, nonce: verdict.claims.nonce };
  }
}

/**
 * 303 to `location`: the phone's browser replaces the callback URL with it (a
 * redirect makes no history entry), and no-referrer keeps the token's URL out
 * of the next request's Referer.
 */
function seeOther(location: URL): Response {
  return new Response(null, {
    status: 303,
    headers: {
      Location: location.href,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
