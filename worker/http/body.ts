import { ApiError } from './errors';
import { readBytesWithin } from './limited';

/** Whether the Content-Type is checked: strict for browsers and merchants, not for PayPay. */
export type MediaTypeRule = 'json' | 'any';

/**
 * Reads a JSON body of at most `limit` bytes. The limit is enforced while
 * reading, not trusted from Content-Length, so a lying client cannot make the
 * Worker buffer more. With `any`, the Content-Type is not looked at: PayPay
 * documents none for webhooks and its SDKs write `application/json;charset=UTF-8;`,
 * and a refusal would lose a notification it may never resend.
 */
export async function readJsonBody(
  request: Request,
  limit: number,
  mediaType: MediaTypeRule = 'json',
): Promise<unknown> {
  const type = request.headers.get('Content-Type') ?? '';
  if (mediaType === 'json' && !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type.trim())) {
    throw ApiError.of('UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
  }
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > limit)
    throw ApiError.of('PAYLOAD_TOO_LARGE', `The body must be at most ${limit} bytes`);
  const text = await readLimited(request, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw ApiError.of('INVALID_JSON', 'The body is not valid JSON');
  }
}

async function readLimited(request: Request, limit: number): Promise<string> {
  const bytes = await readBytesWithin(request.body, limit);
  if (bytes === null)
    throw ApiError.of('PAYLOAD_TOO_LARGE', `The body must be at most ${limit} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw ApiError.of('INVALID_JSON', 'The body is not valid UTF-8');
  }
}
