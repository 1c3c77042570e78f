import type { IRequest } from 'itty-router';
import type { RequestContext } from '../http/context';

/**
 * `GET /healthz`: which settings are missing or malformed, by name only, and
 * warnings about settings that work but do not belong in production.
 */
export function health(
  _request: IRequest,
  _env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Response {
  const { problems } = rc.config;
  return Response.json(
    {
      ok: problems.length === 0,
      missing: problems.filter((p) => p.problem === 'missing').map((p) => p.setting),
      invalid: problems
        .filter((p) => p.problem === 'invalid')
        .map((p) => ({ setting: p.setting, reason: p.reason })),
      warnings: rc.config.warnings.map((p) => ({ setting: p.setting, reason: p.reason })),
    },
    { status: problems.length === 0 ? 200 : 503 },
  );
}
