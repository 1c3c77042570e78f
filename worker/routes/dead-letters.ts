import type { IRequest } from 'itty-router';
import { readJsonBody } from '../http/body';
import { ApiError } from '../http/errors';
import { errorName, logLine } from '../log';
import { listDeadLetters, replayDeadLetters } from '../queues/dead-letters';

/** Parked notifications one call lists or replays: 1 to `max`, `default` when absent. */
export const DEAD_LETTER_LIMIT = { default: 100, max: 1000 };

/**
 * `GET /v1/dead-letters?limit=`: the notifications INGEST gave up on, parked
 * in the feed, oldest first, and how many there are. They are the merchant's
 * own data behind the bearer, user ids included; nothing of them is logged.
 */
export async function deadLetters(request: IRequest, env: Env): Promise<Response> {
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (name !== 'limit') throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const limit = limitOf(params.get('limit') ?? '');
  return Response.json(await listDeadLetters(env, limit));
}

/**
 * `POST /v1/dead-letters/replay`, body `{limit}` or none: sends up to `limit`
 * parked notifications back to INGEST, oldest first, and unparks those sent.
 * Replaying twice records nothing twice (notification ids decide). 503
 * QUEUE_UNAVAILABLE when the queue took none of them: they stay parked.
 */
export async function replay(request: IRequest, env: Env): Promise<Response> {
  const limit = await replayLimitOf(request);
  try {
    return Response.json(await replayDeadLetters(env, limit));
  } catch (error) {
    logLine('error', 'queue', { what: 'dead letters not replayed', error: errorName(error) });
    throw ApiError.of('QUEUE_UNAVAILABLE', 'The queue took none of them; try again later');
  }
}

async function replayLimitOf(request: IRequest): Promise<number> {
  // No body at all is the default; a body is JSON, strictly.
  const empty = request.body === null || request.headers.get('Content-Length') === '0';
  if (empty && !request.headers.has('Content-Type')) return DEAD_LETTER_LIMIT.default;
  const body = await readJsonBody(request, 1024);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.of('INVALID_FIELD', 'The body must be a JSON object');
  }
  for (const name of Object.keys(body)) {
    if (name !== 'limit') throw ApiError.of('UNKNOWN_FIELD', `Unknown field "${name}"`);
  }
  const { limit } = body as { limit?: unknown };
  if (limit === undefined) return DEAD_LETTER_LIMIT.default;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw badLimit();
  if (limit > DEAD_LETTER_LIMIT.max) throw badLimit();
  return limit;
}

function limitOf(text: string): number {
  if (text === '') return DEAD_LETTER_LIMIT.default;
  const limit = Number(text);
  if (!/^[1-9]\d{0,5}$/.test(text) || limit > DEAD_LETTER_LIMIT.max) throw badLimit();
  return limit;
}

function badLimit(): ApiError {
  return ApiError.of(
    'INVALID_FIELD',
    `limit must be an integer from 1 to ${DEAD_LETTER_LIMIT.max}`,
  );
}
