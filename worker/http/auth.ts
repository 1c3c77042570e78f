import { settingsFor } from '../settings';
import type { RequestContext } from './context';
import { ApiError } from './errors';

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

/** Merchant-server routes need MERCHANT_API_TOKEN configured and presented. */
export async function requireMerchant(request: Request, rc: RequestContext): Promise<void> {
  const [token] = settingsFor(rc.config, ['MERCHANT_API_TOKEN']);
  await requireBearer(request, token);
}

/** Whether a request carries any bearer token (merchant-server calls do). */
export function hasBearer(request: Request): boolean {
  return /^Bearer /i.test(request.headers.get('Authorization') ?? '');
}

async function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
}
