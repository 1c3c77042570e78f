import { isStanding } from '../../shared/feed';
import { logLine } from '../log';
import type { Config } from '../config';
import type { AuthorizationRead, RereadClaim, RereadResult } from '../feed/event-feed';
import { feedOf } from '../feed/stub';
import { paypayClientOf } from '../paypay/from-config';

/**
 * Re-reads a user's KYC Passport info from PayPay and stores the answer as the
 * user's standing. Notifications are unsigned hints; this answer is the truth.
 * An outage or a refusal that is not about the user leaves the re-read due.
 */
export async function reread(
  env: Env,
  config: Config,
  claim: RereadClaim,
  now: number,
): Promise<RereadResult> {
  let result: RereadResult;
  try {
    const answer = await paypayClientOf(config).kycPassportInfo(claim.userAuthorizationId);
    const paypayRequestId = answer.requestId;
    if (answer.ok) result = { standing: 'OK', paypayRequestId };
    else if (isStanding(answer.code)) result = { standing: answer.code, paypayRequestId };
    else result = { error: answer.code, paypayRequestId };
    if (!answer.ok) {
      // The id is what PayPay support asks for; the user's id stays out of logs.
      logLine('warn', 'paypay', {
        what: 're-read refused or failed',
        operation: answer.operation,
        code: answer.code,
        status: answer.status,
        paypayRequestId,
      });
    }
  } catch {
    // paypayClientOf throws only for settings that are missing.
    result = { error: 'PAYPAY_NOT_CONFIGURED', paypayRequestId: null };
  }
  const feed = feedOf(env);
  await feed.recordStanding(claim, result, now);
  const read = await readAuthorizationAfter(config, claim.userAuthorizationId, result);
  if (read !== null) await feed.recordAuthorization(claim.userAuthorizationId, read, now);
  return result;
}

/**
 * PayPay's authorization, read after a standing that says the user is linked:
 * for an id PayPay does not know or an expired one the standing already says
 * so, and a second call would only double what a forged hint costs. A read
 * that fails leaves the last one standing; the next re-read tries again.
 */
async function readAuthorizationAfter(
  config: Config,
  uaid: string,
  result: RereadResult,
): Promise<AuthorizationRead | null> {
  if (!('standing' in result)) return null;
  if (
    result.standing === 'INVALID_USER_AUTHORIZATION_ID' ||
    result.standing === 'EXPIRED_USER_AUTHORIZATION_ID'
  ) {
    return { code: result.standing };
  }
  const answer = await paypayClientOf(config).userAuthorization(uaid);
  if (answer.ok) return { authorization: answer.data };
  if (
    answer.code === 'INVALID_USER_AUTHORIZATION_ID' ||
    answer.code === 'EXPIRED_USER_AUTHORIZATION_ID'
  ) {
    return { code: answer.code };
  }
  logLine('warn', 'paypay', {
    what: 'authorization read refused or failed',
    operation: answer.operation,
    code: answer.code,
    status: answer.status,
    paypayRequestId: answer.requestId,
  });
  return null;
}
