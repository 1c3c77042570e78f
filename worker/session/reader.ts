import type { SessionView } from '../../shared/wire';
import { resultSecretOf, resultTokenOf, hashSecret, sealWith, unsealWith } from './ids';
import { tokenLive, viewOf, type SessionRecord } from './record';

// The result token is never stored: it is derived from the session id's secret
// (which only a reader brings) and the salt drawn at completion (ids.ts).

/**
 * The view for a reader who proved `secret`, and the record to store first
 * when this is the first time the token is shown: only then can the object
 * compute the token's hash (for the exchange) and seal the secret under it.
 */
export async function readerView(
  record: SessionRecord,
  objectId: string,
  secret: string,
  now: number,
): Promise<{ view: SessionView; changed: SessionRecord | null }> {
  const sessionId = `${objectId}.${secret}`;
  if (!tokenLive(record, now) || record.resultSalt === null)
    return { view: viewOf(record, now, sessionId, null), changed: null };
  const resultSecret = await resultSecretOf(secret, record.resultSalt);
  const changed =
    record.resultSecretHash === null
      ? {
          ...record,
          resultSecretHash: await hashSecret(resultSecret),
          sealedSessionSecret: await sealWith(resultSecret, secret),
        }
      : null;
  const token = resultTokenOf(objectId, resultSecret);
  return { view: viewOf(changed ?? record, now, sessionId, token), changed };
}

/** The session id an exchange names, unsealed with the token's secret it brought. */
export async function exchangedSessionId(
  record: SessionRecord,
  objectId: string,
  resultSecret: string,
): Promise<string> {
  if (record.sealedSessionSecret === null) return '';
  const secret = await unsealWith(resultSecret, record.sealedSessionSecret);
  return secret === null ? '' : `${objectId}.${secret}`;
}
