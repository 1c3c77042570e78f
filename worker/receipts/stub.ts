import { receiptLogName } from './ids';
import type { ReceiptLog } from './log';

type ReceiptLogStub = DurableObjectStub<ReceiptLog>;

/** The name of the object that holds the development signing key (receipts/keys.ts). */
const DEV_KEY_OBJECT = 'dev-key';

/** The log object of a receipt's month, or null when `id` cannot be a receipt id. */
export function receiptLog(env: Env, id: string): ReceiptLogStub | null {
  const name = receiptLogName(id);
  return name === null ? null : env.RECEIPT_LOG.get(env.RECEIPT_LOG.idFromName(name));
}

/** The one object of the deployment that makes and keeps the development signing key. */
export function devKeyObject(env: Env): ReceiptLogStub {
  return env.RECEIPT_LOG.get(env.RECEIPT_LOG.idFromName(DEV_KEY_OBJECT));
}
