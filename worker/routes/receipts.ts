import type { IRequest } from 'itty-router';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import type { Stage } from '../http/pipeline';
import { publishedKeys } from '../receipts/keys';
import { receiptLog } from '../receipts/stub';
import type { SettingName } from '../settings/config';

/**
 * What the JWKS reads: a malformed key is a 503 naming the setting, not a key
 * set that silently lacks the current key (a missing one is only a warning).
 */
export const RECEIPT_KEY_SETTINGS = [
  'RECEIPT_SIGNING_KEY',
  'RECEIPT_PREVIOUS_KEYS',
] as const satisfies readonly SettingName[];

/**
 * Stage of the JWKS: any origin may read it, errors included. It holds public
 * keys only, and a merchant may verify receipts in a browser. A simple GET needs
 * no preflight.
 */
export const anyOrigin: Stage = (_request, _env, _ctx, rc) => {
  rc.headers = { 'Access-Control-Allow-Origin': '*' };
};

/**
 * `GET /.well-known/jwks.json`: the public keys receipts verify against, the
 * current one first, then the retired ones. Its own `Cache-Control`: the
 * pipeline adds `no-store` only to answers without one, and public keys may
 * be kept a while. Five minutes, since after a rotation a verifier holding the
 * old set cannot verify the new key's receipts until it refetches (jose's
 * remote key set refetches on an unknown kid anyway).
 */
export async function jwks(
  _request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const keys = await publishedKeys(env, rc.config);
  return Response.json({ keys }, { headers: { 'Cache-Control': 'public, max-age=300' } });
}

/**
 * `GET /v1/receipts/:id`: the log's entry of a receipt. An id that cannot be
 * one is as unknown as one never issued or past its keepUntil.
 */
export async function receipt(request: IRequest, env: Env): Promise<Response> {
  const id = request.params.id ?? '';
  const entry = (await receiptLog(env, id)?.read(id)) ?? null;
  if (entry === null) throw ApiError.of('RECEIPT_NOT_FOUND', 'No such receipt');
  return Response.json(entry);
}
