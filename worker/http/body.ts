import { ApiError } from './errors';
import { readBytesWithin } from './limited';

/**
 * Reads a JSON body of at most `limit` bytes. The limit is enforced while
 * reading, not trusted from Content-Length, so a lying client cannot make the
 * Worker buffer more.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type.trim())) {
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
