import type { IRequest } from 'itty-router';
import { ApiError } from '../http/errors';
import { feedOf } from '../feed/stub';
import { FEED_PAGE_LIMIT } from '../../shared/feed';

/**
 * `GET /v1/events?after=<cursor>&limit=`: the merchant event feed, oldest first.
 * The cursor is the position of the last event returned; the feed object
 * assigns positions in one place, so a page never skips an event that a later
 * page would show.
 */
export async function listEvents(request: IRequest, env: Env): Promise<Response> {
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (name !== 'after' && name !== 'limit')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const after = params.get('after') ?? '';
  if (after !== '' && !/^(0|[1-9]\d{0,14})$/.test(after)) {
    throw ApiError.of('INVALID_CURSOR', 'after must be a cursor this feed returned');
  }
  const limitText = params.get('limit') ?? '';
  const limit = limitText === '' ? FEED_PAGE_LIMIT.default : Number(limitText);
  if (limitText !== '' && (!/^[1-9]\d*$/.test(limitText) || limit > FEED_PAGE_LIMIT.max)) {
    throw ApiError.of('INVALID_FIELD', `limit must be an integer from 1 to ${FEED_PAGE_LIMIT.max}`);
  }
  // The object answers the page as JSON text (a FeedPage): passed on as it is.
  const page = await feedOf(env).page(after === '' ? 0 : Number(after), limit);
  return new Response(page.value, { headers: { 'Content-Type': 'application/json' } });
}
