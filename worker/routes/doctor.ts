import type { IRequest } from 'itty-router';
import type { RequestContext } from '../http/context';
import { runDoctor } from '../doctor/run';

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
  const checks = await runDoctor(env, rc.config, new URL(request.url));
  rc.paypayRequestId = checks.find((row) => row.requestId)?.requestId ?? null;
  return Response.json({ ok: checks.every((row) => row.ok), checks, requestId: rc.requestId });
}
