import type { IRequest } from 'itty-router';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { runDoctor } from '../doctor/run';
import { requireMerchant } from '../http/auth';

/** Each run makes four PayPay calls; PayPay rate-limits, so a loop must not burn the quota. */
export const DOCTOR_RUNS_PER_MINUTE = 6;
/** One window for the whole deployment: the calls count against one PayPay client. */
const LIMITER_KEY = 'doctor';

/**
 * `GET /v1/doctor`: the Worker checks itself from where it runs, with its real
 * secrets and outbound addresses, and answers one row per check. 200 whatever
 * the rows say; the rows carry names and PayPay request ids, never a value.
 */
export async function doctor(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(LIMITER_KEY));
  const verdict = await limiter.hit(DOCTOR_RUNS_PER_MINUTE);
  if (!verdict.allowed) {
    throw ApiError.of(
      'RATE_LIMITED',
      `The doctor runs at most ${DOCTOR_RUNS_PER_MINUTE} times a minute; try again shortly`,
      { 'Retry-After': String(verdict.retryAfterSeconds) },
    );
  }
  const checks = await runDoctor(env, rc.config, new URL(request.url));
  rc.paypayRequestId = checks.find((row) => row.requestId)?.requestId ?? null;
  return Response.json({ ok: checks.every((row) => row.ok), checks, requestId: rc.requestId });
}
