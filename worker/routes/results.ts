import type { IRequest } from 'itty-router';
import { requireMerchant } from '../http/auth';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { parseResultToken } from '../session/ids';
import { sessionObject } from '../session/locate';

const EXCHANGE_MESSAGES = {
  RESULT_NOT_FOUND: 'No such result',
  RESULT_ALREADY_EXCHANGED: 'This result was already exchanged',
  RESULT_EXPIRED: 'This result has expired',
} as const;

/** `POST /v1/results/exchange`: the merchant server trades a result token for the KYC info, once. */
export async function exchangeResult(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  await requireMerchant(request, rc);
  const body = await readJsonBody(request, 1024);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.of('INVALID_FIELD', 'The body must be a JSON object');
  }
  const extra = Object.keys(body).find((key) => key !== 'resultToken');
  if (extra !== undefined) throw ApiError.of('UNKNOWN_FIELD', `Unknown field "${extra}"`);
  const { resultToken } = body as { resultToken?: unknown };
  if (typeof resultToken !== 'string')
    throw ApiError.of('INVALID_FIELD', 'resultToken must be a string');
  const parsed = parseResultToken(resultToken);
  const stub = parsed && sessionObject(env, parsed.objectId);
  if (!parsed || !stub) throw ApiError.of('RESULT_NOT_FOUND', 'No such result');
  const outcome = await stub.exchange(parsed.secret);
  if ('result' in outcome) return Response.json(outcome.result);
  throw ApiError.of(outcome.code, EXCHANGE_MESSAGES[outcome.code]);
}
