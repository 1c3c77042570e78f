import type { IRequest } from 'itty-router';
import { accessIdentityOf } from './access';
import { ApiError } from './errors';
import { checkedSettings, needs } from './needs';
import type { Stage } from './pipeline';

/**
 * Checks `Authorization: Bearer <MERCHANT_API_TOKEN>`. Both sides are hashed
 * first so the comparison takes the same time whatever the input's length or
 * content: the token cannot be found byte by byte.
 */
export async function requireBearer(request: Request, expected: string): Promise<void> {
  const header = request.headers.get('Authorization') ?? '';
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  const presented = match?.[1] ?? '';
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  if (!match || !crypto.subtle.timingSafeEqual(a, b)) {
    throw ApiError.of('UNAUTHORIZED', 'A valid merchant bearer token is required', {
      'WWW-Authenticate': 'Bearer',
    });
  }
}

const needsToken = needs(['MERCHANT_API_TOKEN']);

/** Stage of merchant-server routes: MERCHANT_API_TOKEN configured, and presented as the bearer. */
export const merchant: Stage = async (request, env, ctx, rc) => {
  await needsToken(request, env, ctx, rc);
  const [token] = checkedSettings(rc, ['MERCHANT_API_TOKEN']);
  await requireBearer(request, token);
};

/**
 * Stage of the console's page (`/console`): a valid Cloudflare Access identity
 * (http/access.ts), recorded for the request's log line.
 */
export const consoleAccess: Stage = async (request, _env, _ctx, rc) => {
  rc.accessEmail = (await accessIdentityOf(request, rc.config)).email;
};

/**
 * Stage of the console's API calls (`/console/api/v1/...`): the merchant's
 * bearer, as on the `/v1` route, or else the Access identity of the person in
 * the console, whose email the log line of the action then names.
 */
export const merchantOrConsole: Stage = (request, env, ctx, rc) =>
  hasBearer(request) ? merchant(request, env, ctx, rc) : consoleAccess(request, env, ctx, rc);

/**
 * Stage of `/healthz`: in production a presented bearer must be the
 * merchant's, since it is what earns the detailed answer; without one, or in
 * development, the request goes on as it is.
 */
export const merchantIfBearer: Stage = (request, env, ctx, rc) =>
  rc.config.environment === 'production' && hasBearer(request)
    ? merchant(request, env, ctx, rc)
    : undefined;

/** Whether a request carries any bearer token (merchant-server calls do). */
export function hasBearer(request: IRequest | Request): boolean {
  return /^Bearer /i.test(request.headers.get('Authorization') ?? '');
}

async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
}
