import type { IRequest } from 'itty-router';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { apiErrorOf } from '../http/failure';
import { parseResultToken } from '../session/ids';
import { sessionObject } from '../session/locate';

/** `POST /v1/results/exchange`: the merchant server trades a result token for the asked claims, once, with their receipt. */
export async function exchangeResult(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
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
  if (!parsed || !stub) throw apiErrorOf({ code: 'RESULT_NOT_FOUND' });
  const { environment, receipts, callbackUrl } = rc.config;
  const exchanged = await stub.exchange(parsed.secret, { environment, receipts, callbackUrl });
  if (!exchanged.ok) throw apiErrorOf(exchanged.error);
  return Response.json(exchanged.value);
}
