import type { IRequest } from 'itty-router';
import { UAID_PATTERN } from '../../shared/ids';
import { REFERENCE_ID_PATTERN } from '../../shared/wire';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { apiErrorOf } from '../http/failure';
import { checkedPaypay } from '../http/needs';
import type { Stage } from '../http/pipeline';
import { requestSlot } from '../http/slot';
import { PayPayClient } from '../paypay/client';
import { paypayFailed } from '../paypay/failures';
import type { PayPayCall, KycInfo } from '../paypay/call';
import { getUserState } from '../feed/user-state';
import { feedFor, feedShards } from '../feed/stub';
import { attemptForget } from '../feed/forget-attempt';

const userIds = requestSlot<string>('userId');
const kycTypes = requestSlot<'EKYC' | undefined>('kycInfoQuery');

/**
 * Stage: the path's `:uaid`, decoded and checked (404 `INVALID_ID`), before
 * the route's settings are: a malformed id is refused whatever is configured.
 */
export const userId: Stage = (request) => {
  const uaid = decodedOrNull(request.params.uaid ?? '') ?? '';
  if (!UAID_PATTERN.test(uaid))
    throw ApiError.of('INVALID_ID', 'userAuthorizationId must be 1-64 safe characters');
  userIds.set(request, uaid);
};

/** Stage: "Get user KYC info" is on (USER_KYC_INFO); 403 `FEATURE_DISABLED` otherwise. */
export const kycInfoOn: Stage = (_request, _env, _ctx, rc) => {
  if (rc.config.paypay.userKycInfo === 'off') {
    // Users were not asked for get_kyc_info, so PayPay would refuse it as OP_OUT_OF_SCOPE.
    throw ApiError.of(
      'FEATURE_DISABLED',
      'Get user KYC info is off: set USER_KYC_INFO=on, then new verifications ask for get_kyc_info',
    );
  }
};

/** Stage: `?requiredKycType=EKYC` or nothing, and no other parameter. */
export const kycInfoQuery: Stage = (request) => {
  const url = new URL(request.url);
  for (const name of url.searchParams.keys()) {
    if (name !== 'requiredKycType')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const type = url.searchParams.get('requiredKycType');
  if (type !== null && type !== '' && type !== 'EKYC')
    throw ApiError.of('INVALID_FIELD', 'requiredKycType must be EKYC');
  kycTypes.set(request, type === 'EKYC' ? 'EKYC' : undefined);
};

/**
 * `GET /v1/users/:uaid`: what webhooks, recon files and re-reads told us about a
 * user, from KV (written by the event feed object; up to a minute old elsewhere).
 */
export async function userState(request: IRequest, env: Env): Promise<Response> {
  const state = await getUserState(env.KYC_KV, userIds.get(request));
  if (state === null) throw ApiError.of('USER_NOT_FOUND', 'Nothing is known about this user');
  return Response.json(state);
}

/** Users one `GET /v1/users?referenceId=` lists, at most. */
export const USER_SEARCH_LIMIT = 50;

/** One user found by referenceId, as `GET /v1/users?referenceId=` answers it. */
export interface UserMatch {
  userAuthorizationId: string;
  /** `merchant`: the merchant's server gave the referenceId; `public`: a browser did (never trust it). */
  referenceIdMode: 'public' | 'merchant';
  verifiedAt: string | null;
  standing: string | null;
}

/**
 * `GET /v1/users?referenceId=`: the users whose PayPay authorization carries
 * this referenceId, from every feed shard, newest verification first; at most
 * {@link USER_SEARCH_LIMIT}, `count` how many match in all. Only a `merchant`
 * match is the merchant's own word: a `public` referenceId came from a browser.
 */
export async function searchUsers(request: IRequest, env: Env): Promise<Response> {
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (name !== 'referenceId') throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const given = params.getAll('referenceId');
  const referenceId = given[0] ?? '';
  if (given.length !== 1 || !REFERENCE_ID_PATTERN.test(referenceId)) {
    throw ApiError.of(
      'INVALID_FIELD',
      'referenceId is required, once: 1-255 characters of A-Z a-z 0-9 . _ : @ -',
    );
  }
  const answers = await Promise.all(
    feedShards(env).map(
      async (shard) => (await shard.usersByReference(referenceId, USER_SEARCH_LIMIT)).value,
    ),
  );
  const users: UserMatch[] = answers
    .flatMap((answer) => answer.rows)
    .sort((a, b) => (b.verifiedAt ?? -1) - (a.verifiedAt ?? -1) || a.uaid.localeCompare(b.uaid))
    .slice(0, USER_SEARCH_LIMIT)
    .map((row) => ({
      userAuthorizationId: row.uaid,
      referenceIdMode: row.referenceIdMode,
      verifiedAt: row.verifiedAt === null ? null : new Date(row.verifiedAt).toISOString(),
      standing: row.standing,
    }));
  const count = answers.reduce((sum, answer) => sum + answer.count, 0);
  return Response.json({ users, count });
}

/**
 * `DELETE /v1/users/:uaid`: unlink at PayPay and forget the user (APPI's
 * deletion request). 202 at once: what we hold is cleared now, the unlink is
 * retried until PayPay accepts it, and `user.forgotten` says when it is done.
 * A repeat, or a forget of a forgotten id, is 202 and changes nothing. The
 * route needs PayPay's settings: refused now, rather than retried forever.
 */
export async function forgetUser(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const uaid = userIds.get(request);
  const now = Date.now();
  const { value: start } = await feedFor(env, uaid).startForget(uaid, rc.requestId, now);
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
  const uaid = userIds.get(request);
  const client = new PayPayClient(checkedPaypay(rc));
  return answer(rc, uaid, await client.kycPassportInfo(uaid));
}

/** `GET /v1/users/:uaid/kyc-info?requiredKycType=EKYC`: "Get user KYC info", live from PayPay. */
export async function userKycInfo(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const uaid = userIds.get(request);
  const client = new PayPayClient(checkedPaypay(rc));
  return answer(rc, uaid, await client.userKycInfo(uaid, kycTypes.get(request)));
}

function answer(rc: RequestContext, uaid: string, call: PayPayCall<KycInfo>): Response {
  rc.paypayRequestId = call.requestId;
  if (!call.ok) throw apiErrorOf(paypayFailed(call));
  return Response.json({ userAuthorizationId: uaid, kyc: call.data });
}

/** A path segment's text, or null for a malformed escape like a lone `%` (a URIError otherwise). */
function decodedOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
