import type { Config } from '../settings/config';
import type { ForgetAttempt } from './event-feed';
import { feedFor } from './stub';
import { ApiError } from '../http/errors';
import { logLine } from '../log';
import { paypayClientOf } from '../paypay/from-config';
import { sessionObject } from '../session/locate';

/** PayPay's answers that mean the authorization is over already: nothing left to unlink. */
const ALREADY_UNLINKED = new Set([
  'INVALID_USER_AUTHORIZATION_ID',
  'EXPIRED_USER_AUTHORIZATION_ID',
]);

/**
 * One attempt at a forget the caller holds the lease of: the KYC waiting in
 * verification objects is cleared, the authorization is ended at PayPay, then
 * the feed drops the user. Any failure leaves the forget due, retried by the
 * cron with backoff; every step is safe to repeat. Returns whether it finished.
 */
export async function attemptForget(
  env: Env,
  config: Config,
  attempt: ForgetAttempt,
  now: number,
): Promise<boolean> {
  const uaid = attempt.userAuthorizationId;
  const feed = feedFor(env, uaid);
  try {
    await Promise.all(attempt.sessions.map((id) => sessionObject(env, id)?.forgetUser(uaid)));
    const call = await paypayClientOf(config).unlinkUser(uaid);
    if (!call.ok && !ALREADY_UNLINKED.has(call.code)) {
      // The id is what PayPay support asks for; the user's id stays out of logs.
      logLine('warn', 'paypay', {
        what: 'unlink refused or failed; retried by the cron',
        operation: call.operation,
        code: call.code,
        status: call.status,
        paypayRequestId: call.requestId,
      });
      await feed.forgetFailed(uaid, call.code, call.requestId, now);
      return false;
    }
    return (await feed.finishForget(uaid, now)).value;
  } catch (error) {
    // paypayClientOf throws an ApiError for missing settings; storage may throw on a reset.
    const code = error instanceof ApiError ? 'PAYPAY_NOT_CONFIGURED' : 'INTERNAL_ERROR';
    await feed.forgetFailed(uaid, code, null, now).catch(() => undefined);
    return false;
  }
}
