import { isStanding } from '../../shared/feed';
import { err, ok } from '../../shared/result';
import { logLine } from '../log';
import type { Config } from '../settings/config';
import type { AuthorizationRead, RereadClaim, StandingRead } from './event-feed';
import { feedOf } from './stub';
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
): Promise<StandingRead> {
  let read: StandingRead;
  try {
    const call = await paypayClientOf(config).kycPassportInfo(claim.userAuthorizationId);
    const paypayRequestId = call.requestId;
    if (call.ok) read = ok({ standing: 'OK', paypayRequestId });
    else if (isStanding(call.code)) read = ok({ standing: call.code, paypayRequestId });
    else read = err({ code: call.code, paypayRequestId });
    if (!call.ok) {
      // The id is what PayPay support asks for; the user's id stays out of logs.
      logLine('warn', 'paypay', {
        what: 're-read refused or failed',
        operation: call.operation,
        code: call.code,
        status: call.status,
        paypayRequestId,
      });
    }
  } catch {
    // paypayClientOf throws only for settings that are missing.
    read = err({ code: 'PAYPAY_NOT_CONFIGURED', paypayRequestId: null });
  }
  const feed = feedOf(env);
  await feed.recordStanding(claim, read, now);
  const authorization = await readAuthorizationAfter(config, claim.userAuthorizationId, read);
  if (authorization !== null)
    await feed.recordAuthorization(claim.userAuthorizationId, authorization, now);
  return read;
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
  standing: StandingRead,
): Promise<AuthorizationRead | null> {
  if (!standing.ok) return null;
  const code = standing.value.standing;
  if (code === 'INVALID_USER_AUTHORIZATION_ID' || code === 'EXPIRED_USER_AUTHORIZATION_ID') {
    return err({ code });
  }
  const call = await paypayClientOf(config).userAuthorization(uaid);
  if (call.ok) return ok(call.data);
  if (
    call.code === 'INVALID_USER_AUTHORIZATION_ID' ||
    call.code === 'EXPIRED_USER_AUTHORIZATION_ID'
  ) {
    return err({ code: call.code });
  }
  logLine('warn', 'paypay', {
    what: 'authorization read refused or failed',
    operation: call.operation,
    code: call.code,
    status: call.status,
    paypayRequestId: call.requestId,
  });
  return null;
}
