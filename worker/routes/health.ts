import type { IRequest } from 'itty-router';
import { hasBearer } from '../http/auth';
import type { RequestContext } from '../http/context';
import { clientIdSentence } from '../paypay/client-id';

/**
 * `GET /healthz`: whether the Worker is configured. The details (which settings
 * are missing or malformed, by name only, and the warnings) tell an attacker
 * what is open, so in production they go only to the merchant's bearer; the
 * public learns `{ok}`. In development they are public, for the local stack.
 * `clientId` says where the client ID a responseToken's `aud` is checked
 * against comes from: configured, derived from the API key, or neither.
 */
export function health(
  request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  const { problems, warnings, environment, paypay } = rc.config;
  const status = problems.length === 0 ? 200 : 503;
  const ok = problems.length === 0;
  // In production a bearer gets here only as the merchant's (the `merchantIfBearer` stage).
  const detailed = environment === 'development' || hasBearer(request);
  if (!detailed) return Response.json({ ok }, { status });
  return Response.json(
    {
      ok,
      environment,
      missing: problems.filter((p) => p.problem === 'missing').map((p) => p.setting),
      invalid: problems
        .filter((p) => p.problem === 'invalid')
        .map((p) => ({ setting: p.setting, reason: p.reason })),
      warnings: warnings.map((p) => ({ setting: p.setting, reason: p.reason })),
      clientId: { source: paypay.clientId.source, detail: clientIdSentence(paypay.clientId) },
    },
    { status },
  );
}
