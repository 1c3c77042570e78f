import { isStanding } from '../../shared/feed';
import { logLine } from '../log';
import type { Config } from '../config';
import type { RereadClaim, RereadResult } from '../feed/event-feed';
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
  await feedOf(env).recordStanding(claim, result, now);
  return result;
}
