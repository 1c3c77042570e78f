import type { IRequest } from 'itty-router';
import { UAID_PATTERN } from '../../shared/ids';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { paypayClientOf } from '../paypay/from-config';
import { apiErrorOf } from '../paypay/outcomes';
import type { PayPayResult, KycInfo } from '../paypay/result';
import { getUserState } from '../store/user-state';
import { feedOf } from '../feed/stub';
import { attemptForget } from '../forget/attempt';
import { requireMerchant } from '../http/auth';

/**
 * `GET /v1/users/:uaid`: what webhooks, recon files and re-reads told us about a
 * user, from KV (written by the event feed object; up to a minute old elsewhere).
 */
export async function userState(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  const state = await getUserState(env.KYC_KV, userIdOf(request));
  if (state === null) throw ApiError.of('USER_NOT_FOUND', 'Nothing is known about this user');
  return Response.json(state);
}

/**
 * `DELETE /v1/users/:uaid`: unlink at PayPay and forget the user (APPI's
 * deletion request). 202 at once: what we hold is cleared now, the unlink is
 * retried until PayPay accepts it, and `user.forgotten` says when it is done.
 * A repeat, or a forget of a forgotten id, is 202 and changes nothing.
 */
export async function forgetUser(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  const uaid = userIdOf(request);
  // Refused now, rather than retried forever, when PayPay is not configured.
  paypayClientOf(rc.config);
  const now = Date.now();
  const { value: start } = await feedOf(env).startForget(uaid, rc.requestId, now);
  if (start.state === 'started') ctx.waitUntil(attemptForget(env, rc.config, start.attempt, now));
  const status = start.state === 'forgotten' ? 'forgotten' : 'forgetting';
  return Response.json({ status, requestId: rc.requestId }, { status: 202 });
}

/** `GET /v1/users/:uaid/kyc`: KYC Passport info, live from PayPay. */
export async function userKyc(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  const uaid = userIdOf(request);
  const client = paypayClientOf(rc.config);
  return answer(rc, uaid, await client.kycPassportInfo(uaid));
}

/** `GET /v1/users/:uaid/kyc-info?requiredKycType=EKYC`: "Get user KYC info", live from PayPay. */
export async function userKycInfo(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  if (rc.config.paypay.userKycInfo === 'off') {
    // Users were not asked for get_kyc_info, so PayPay would refuse it as OP_OUT_OF_SCOPE.
    throw ApiError.of(
      'FEATURE_DISABLED',
      'Get user KYC info is off: set USER_KYC_INFO=on, then new verifications ask for get_kyc_info',
    );
  }
  const uaid = userIdOf(request);
  const url = new URL(request.url);
  for (const name of url.searchParams.keys()) {
    if (name !== 'requiredKycType')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const type = url.searchParams.get('requiredKycType');
  if (type !== null && type !== '' && type !== 'EKYC')
    throw ApiError.of('INVALID_FIELD', 'requiredKycType must be EKYC');
  const client = paypayClientOf(rc.config);
  return answer(rc, uaid, await client.userKycInfo(uaid, type === 'EKYC' ? 'EKYC' : undefined));
}

function userIdOf(request: IRequest): string {
  const uaid = decodedOrNull(request.params.uaid ?? '') ?? '';
  if (!UAID_PATTERN.test(uaid))
    throw ApiError.of('INVALID_ID', 'userAuthorizationId must be 1-64 safe characters');
  return uaid;
}

function answer(rc: RequestContext, uaid: string, result: PayPayResult<KycInfo>): Response {
  rc.paypayRequestId = result.requestId;
  if (!result.ok) throw apiErrorOf(result);
  return Response.json({ userAuthorizationId: uaid, kyc: result.data });
}

/** A path segment's text, or null for a malformed escape like a lone `%` (a URIError otherwise). */
function decodedOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
