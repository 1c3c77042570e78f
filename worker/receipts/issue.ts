import type { ClaimName } from '../../shared/claims';
import type { Config } from '../settings/config';
import type { SessionMode } from '../session/record';
import type { ReceiptEntry, ReceiptPayload } from './contract';
import { newReceiptId } from './ids';
import { digestOf, signReceipt } from './jws';
import { signingKeyOf } from './keys';
import { receiptLog } from './stub';

/** What an exchange's receipt says: the session's facts and what it released. */
export interface ReceiptFacts {
  /** The session's object id. */
  sid: string;
  mode: SessionMode;
  referenceId: string | null;
  /** When PayPay answered with the verified identity, epoch ms. */
  verifiedAt: number;
  paypayRequestIds: string[];
  codeId: string;
  document: Record<string, unknown>;
  /** The claims the session asked for, all released (null values included). */
  claims: ClaimName[];
  /** The exchange's `claims`, and `kyc` when released: what `digest` covers. */
  released: { claims: object; kyc?: object };
}

/**
 * The settings a receipt is made with, as the exchange route read them for its
 * request (its host decides development or production, as for every route).
 */
export type ReceiptOptions = Pick<Config, 'environment' | 'receipts' | 'callbackUrl'>;

const DAY_MS = 86_400_000;

/**
 * Logs the receipt of an exchange, then answers it signed (null in production
 * without a key: the log line is kept all the same). The log is written
 * first: a receipt a merchant holds is always in the log. Throws when the log
 * does not take it, so the exchange releases nothing and can be tried again.
 */
export async function issueReceipt(
  env: Env,
  config: ReceiptOptions,
  facts: ReceiptFacts,
  now: number,
): Promise<string | null> {
  const key = await signingKeyOf(env, config);
  const id = newReceiptId(now);
  const digest = await digestOf(facts.released);
  const entry: ReceiptEntry = {
    id,
    issuedAt: new Date(now).toISOString(),
    session: facts.sid,
    mode: facts.mode,
    verifiedAt: new Date(facts.verifiedAt).toISOString(),
    claims: facts.claims,
    digest,
    kid: key?.kid ?? null,
    keepUntil: new Date(now + config.receipts.retentionDays * DAY_MS).toISOString(),
  };
  const log = receiptLog(env, id);
  if (log === null) throw new Error('receipt id without a log');
  await log.record(entry);
  if (key === null) return null;
  const payload: ReceiptPayload = {
    jti: id,
    iat: Math.floor(now / 1000),
    iss: issuerOf(config),
    sid: facts.sid,
    mode: facts.mode,
    referenceId: facts.referenceId,
    verifiedAt: entry.verifiedAt,
    paypayRequestIds: facts.paypayRequestIds,
    codeId: facts.codeId,
    document: facts.document,
    claims: facts.claims,
    digest,
  };
  return signReceipt(payload, key);
}

/** The Worker's origin as the merchant configured it (CALLBACK_URL's), not a request's Host. */
function issuerOf(config: ReceiptOptions): string {
  return config.callbackUrl === null ? '' : new URL(config.callbackUrl).origin;
}
