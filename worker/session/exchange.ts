import { err, ok, type Result } from '../../shared/result';
import { sameString } from '../compare';
import { issueReceipt, type ReceiptFacts, type ReceiptOptions } from '../receipts/issue';
import type { ExchangeResult, Exchanged } from './contract';
import { hashSecret } from './ids';
import { exchangedSessionId } from './reader';
import type { SessionRecord } from './record';

/** An exchange's answer before its receipt, and what the receipt says. */
export interface Exchangeable {
  answer: Omit<Exchanged, 'receipt'>;
  facts: ReceiptFacts;
}

/**
 * What a result token's exchange gets from this record at `now`: the released
 * claims (once: the caller drops them from the record), or why not. A wrong
 * secret and no result look the same: a guess learns nothing.
 */
export async function exchangeOf(
  record: SessionRecord | null,
  objectId: string,
  secret: string,
  now: number,
): Promise<Result<Exchangeable, Extract<ExchangeResult, { ok: false }>['error']>> {
  if (record === null || record.resultSecretHash === null) return err({ code: 'RESULT_NOT_FOUND' });
  if (!sameString(await hashSecret(secret), record.resultSecretHash))
    return err({ code: 'RESULT_NOT_FOUND' });
  if (record.exchangedAt !== null) return err({ code: 'RESULT_ALREADY_EXCHANGED' });
  const released = record.released;
  if (
    record.resultExpiresAt === null ||
    record.resultExpiresAt <= now ||
    released === null ||
    record.userAuthorizationId === null
  ) {
    return err({ code: 'RESULT_EXPIRED' });
  }
  const verifiedAt = record.completedAt ?? now;
  const answer: Omit<Exchanged, 'receipt'> = {
    sessionId: await exchangedSessionId(record, objectId, secret),
    mode: record.mode,
    referenceId: record.referenceId,
    userAuthorizationId: record.userAuthorizationId,
    completedAt: new Date(verifiedAt).toISOString(),
    claims: released.claims,
  };
  if (Object.keys(released.unavailable).length > 0) answer.unavailable = released.unavailable;
  if (released.kyc !== null) answer.kyc = released.kyc;
  return ok({
    answer,
    facts: {
      sid: objectId,
      mode: record.mode,
      referenceId: record.referenceId,
      verifiedAt,
      paypayRequestIds: [record.qrRequestId, record.kycRequestId].filter(
        (id): id is string => id !== null,
      ),
      codeId: record.codeId,
      document: { ...released.document },
      claims: record.claims,
      released:
        released.kyc === null
          ? { claims: answer.claims }
          : { claims: answer.claims, kyc: released.kyc },
    },
  });
}

/**
 * The exchange with its receipt: logged, then signed. When the log does not
 * take it, nothing is released and the caller drops nothing, so the
 * merchant's retry finds it all.
 */
export async function receiptedExchange(
  record: SessionRecord | null,
  objectId: string,
  secret: string,
  now: number,
  env: Env,
  options: ReceiptOptions,
): Promise<ExchangeResult> {
  const exchangeable = await exchangeOf(record, objectId, secret, now);
  if (!exchangeable.ok) return exchangeable;
  const { answer, facts } = exchangeable.value;
  try {
    return ok({ ...answer, receipt: await issueReceipt(env, options, facts, now) });
  } catch {
    return err({ code: 'RECEIPT_UNAVAILABLE' });
  }
}
