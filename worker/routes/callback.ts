import type { IRequest } from 'itty-router';
import { problemsWith } from '../config';
import type { RequestContext } from '../http/context';
import { verifyResponseToken } from '../paypay/jwt';
import { acceptedAudiences, logRefusedAudience } from '../paypay/client-id';
import { PAYPAY_SETTINGS } from '../paypay/from-config';
import { callbackPage } from '../pages/callback-page';
import { objectIdOfNonce } from '../session/ids';
import { sessionObject } from '../session/locate';
import type { CallbackInput } from '../session/contract';
import { langOf } from '../http/lang';
import { reread } from '../webhooks/reread';

/**
 * `GET /v1/callback?responseToken=`: where PayPay sends the phone. Whatever
 * happens, the phone gets a page in its language, never a stack trace.
 */
export async function callback(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const lang = langOf(request);
  const invalid = () => callbackPage({ kind: 'invalid' }, lang, rc.requestId, 400);
  const { config } = rc;
  if (
    problemsWith(config, [...PAYPAY_SETTINGS, 'PAYPAY_CLIENT_ID']).length > 0 ||
    !config.paypay.apiKey ||
    !config.paypay.apiSecret
  ) {
    return callbackPage({ kind: 'failed', reason: 'PAYPAY_ERROR' }, lang, rc.requestId, 503);
  }
  const token = new URL(request.url).searchParams.get('responseToken');
  if (token === null || token.length === 0 || token.length > 4096) return invalid();
  const { apiKey, apiSecret, clientId } = config.paypay;
  const verdict = await verifyResponseToken(token, {
    audiences: acceptedAudiences(clientId, apiKey),
    apiSecret,
  });
  if (verdict.verdict === 'invalid') {
    // Signed with our secret, yet for another audience: a setting to fix, so say which.
    if (verdict.reason === 'audience') logRefusedAudience(verdict.seen, clientId, rc.requestId);
    return invalid();
  }
  // The nonce names the object only; the object checks the nonce's secret.
  const objectId = objectIdOfNonce(verdict.claims.nonce);
  const stub = objectId === null ? null : sessionObject(env, objectId);
  if (stub === null) return invalid();

  const input: CallbackInput =
    verdict.verdict === 'ok'
      ? {
          result: 'succeeded',
          nonce: verdict.claims.nonce,
          userAuthorizationId: verdict.claims.userAuthorizationId,
        }
      : { result: verdict.verdict, nonce: verdict.claims.nonce };
  const outcome = await stub.callback(input);
  switch (outcome.outcome) {
    case 'invalid':
      return invalid();
    case 'completed':
      rc.paypayRequestId = outcome.paypayRequestId;
      // PayPay's authorization of the user, read after the phone has its page.
      if (outcome.reread !== null) ctx.waitUntil(reread(env, config, outcome.reread, Date.now()));
      return callbackPage({ kind: 'completed' }, outcome.lang, rc.requestId, 200);
    case 'failed':
      rc.paypayRequestId = outcome.paypayRequestId;
      return callbackPage(
        { kind: 'failed', reason: outcome.reason },
        outcome.lang,
        rc.requestId,
        200,
      );
    case 'expired':
      return callbackPage({ kind: 'expired' }, outcome.lang, rc.requestId, 410);
    case 'already':
      return callbackPage(
        { kind: 'already', status: outcome.status },
        outcome.lang,
        rc.requestId,
        200,
      );
  }
}
