import type { IRequest } from 'itty-router';
import type { Lang } from '../../shared/wire';
import { problemsWith, type Config } from '../config';
import type { RequestContext } from '../http/context';
import { verifyResponseToken, type TokenVerdict } from '../paypay/jwt';
import { acceptedAudiences, logRefusedAudience } from '../paypay/client-id';
import { PAYPAY_SETTINGS } from '../paypay/from-config';
import { callbackPage, type PageKind } from '../pages/callback-page';
import { DONE_PATH, outcomeUrl, readOutcome } from '../pages/callback-outcome';
import { objectIdOfNonce } from '../session/ids';
import { sessionObject } from '../session/locate';
import type { CallbackInput } from '../session/contract';
import { langOf } from '../http/lang';
import { reread } from '../webhooks/reread';

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
  const keys = paypayKeys(rc.config);
  // Nothing can be verified, or signed: the done page says PayPay is unavailable.
  if (keys === null) return seeOther(new URL(DONE_PATH, request.url));
  const { page, lang } = await useToken(request, env, ctx, rc, keys);
  const outcome = { page, lang, requestId: rc.requestId };
  return seeOther(await outcomeUrl(request.url, outcome, keys.apiSecret));
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
  const lang = langOf(request);
  const keys = paypayKeys(rc.config);
  if (keys === null)
    return callbackPage({ kind: 'failed', reason: 'PAYPAY_ERROR' }, lang, rc.requestId, 503);
  const outcome = await readOutcome(new URL(request.url), keys.apiSecret);
  if (outcome === null) return callbackPage({ kind: 'invalid' }, lang, rc.requestId, 400);
  return callbackPage(outcome.page, outcome.lang, outcome.requestId, STATUS[outcome.page.kind]);
}

/**
 * PayPay's key (the token's audience) and secret (its key, and the outcome's)
 * when PayPay's settings are usable.
 */
function paypayKeys(config: Config): PaypayKeys | null {
  const { apiKey, apiSecret, clientId } = config.paypay;
  const settings = [...PAYPAY_SETTINGS, 'PAYPAY_CLIENT_ID'] as const;
  if (problemsWith(config, settings).length > 0 || !apiKey || !apiSecret) return null;
  return { apiKey, apiSecret, clientId };
}

interface PaypayKeys {
  apiKey: string;
  apiSecret: string;
  clientId: Config['paypay']['clientId'];
}

/** Verifies the responseToken and hands it to its session: the page the phone is to see. */
async function useToken(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
  keys: PaypayKeys,
): Promise<{ page: PageKind; lang: Lang }> {
  const invalid = { page: { kind: 'invalid' } as const, lang: langOf(request) };
  const { config } = rc;
  const token = new URL(request.url).searchParams.get('responseToken');
  if (token === null || token.length === 0 || token.length > 4096) return invalid;
  const { apiKey, apiSecret, clientId } = keys;
  const verdict = await verifyResponseToken(token, {
    audiences: acceptedAudiences(clientId, apiKey),
    apiSecret,
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

  const outcome = await stub.callback(input);
  switch (outcome.outcome) {
    case 'invalid':
      return invalid;
    case 'completed':
      rc.paypayRequestId = outcome.paypayRequestId;
      // PayPay's authorization of the user, read after the phone has its answer.
      if (outcome.reread !== null) ctx.waitUntil(reread(env, config, outcome.reread, Date.now()));
      return { page: { kind: 'completed' }, lang: outcome.lang };
    case 'failed':
      rc.paypayRequestId = outcome.paypayRequestId;
      return { page: { kind: 'failed', reason: outcome.reason }, lang: outcome.lang };
    case 'expired':
      return { page: { kind: 'expired' }, lang: outcome.lang };
    case 'already':
      return { page: { kind: 'already', status: outcome.status }, lang: outcome.lang };
  }
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
