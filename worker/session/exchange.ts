import { err, ok } from '../../shared/result';
import { sameString } from '../compare';
import type { ExchangeResult } from './contract';
import { hashSecret } from './ids';
import { exchangedSessionId } from './reader';
import type { SessionRecord } from './record';

/**
 * What a result token's exchange gets from this record at `now`: the KYC info
 * (once: the caller drops it from the record), or why not. A wrong secret and
 * no result look the same: a guess learns nothing.
 */
export async function exchangeOf(
  record: SessionRecord | null,
  objectId: string,
  secret: string,
  now: number,
): Promise<ExchangeResult> {
  if (record === null || record.resultSecretHash === null) return err({ code: 'RESULT_NOT_FOUND' });
  if (!sameString(await hashSecret(secret), record.resultSecretHash))
    return err({ code: 'RESULT_NOT_FOUND' });
  if (record.exchangedAt !== null) return err({ code: 'RESULT_ALREADY_EXCHANGED' });
  if (
    record.resultExpiresAt === null ||
    record.resultExpiresAt <= now ||
    record.kyc === null ||
    record.userAuthorizationId === null
  ) {
    return err({ code: 'RESULT_EXPIRED' });
  }
  return ok({
    sessionId: await exchangedSessionId(record, objectId, secret),
    mode: record.mode,
    referenceId: record.referenceId,
    userAuthorizationId: record.userAuthorizationId,
    completedAt: new Date(record.completedAt ?? now).toISOString(),
    kyc: record.kyc,
  });
}
