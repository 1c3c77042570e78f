import { isStanding } from '../../shared/feed';
import { err, ok } from '../../shared/result';
import { logLine } from '../log';
import { countNow } from '../metrics/count';
import type { Config } from '../settings/config';
import type { AuthorizationRead, RereadClaim, StandingRead } from './event-feed';
import { feedFor } from './stub';
import { paypayClientOf } from '../paypay/from-config';

/**
 * What a re-read did: PayPay's answer (or failure), stored; or `slowDown`:
 * PayPay answered 429 (its RATE_LIMIT) after the client's own retries, nothing
 * was stored, and the caller makes the re-read again later. The users row
 * keeps it due (its lease ends), so should the caller not, the cron does.
 */
export type RereadOutcome = { slowDown: false; read: StandingRead } | { slowDown: true };

/**
 * Re-reads a user's KYC Passport info from PayPay and stores the answer as the
 * user's standing, in the user's shard. Notifications are unsigned hints; this
 * answer is the truth. An outage or a refusal that is not about the user
 * leaves the re-read due, backed off; PayPay's "too many requests" is not the
 * user's failure and stores nothing (see RereadOutcome).
 */
export async function reread(
  env: Env,
  config: Config,
  claim: RereadClaim,
  now: number,
): Promise<RereadOutcome> {
  let read: StandingRead;
  try {
    const call = await paypayClientOf(config).kycPassportInfo(claim.userAuthorizationId);
    const paypayRequestId = call.requestId;
    if (!call.ok && isRateLimit(call)) {
      logLine('warn', 'paypay', {
        what: 're-read rate-limited',
        operation: call.operation,
        code: call.code,
        status: call.status,
        paypayRequestId,
      });
      await countNow(env, [['rereads:rate_limited', 1]]);
      return { slowDown: true };
    }
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
  const feed = feedFor(env, claim.userAuthorizationId);
  const { value: changed } = await feed.recordStanding(claim, read, now);
  const authorization = await readAuthorizationAfter(config, claim.userAuthorizationId, read);
  if (authorization !== null)
    await feed.recordAuthorization(claim.userAuthorizationId, authorization, now);
  const outcome = !read.ok ? 'failed' : changed ? 'changed' : 'ok';
  await countNow(env, [[`rereads:${outcome}`, 1]]);
  return { slowDown: false, read };
}

/** PayPay's 429 RATE_LIMIT (shared/paypay-codes.ts), whatever code a 429 carries. */
function isRateLimit(call: { status: number | null; code: string }): boolean {
  return call.status === 429 || call.code === 'RATE_LIMIT';
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
