import { encodeBase64Url } from '../paypay/base64';
import { jstDay } from '../recon/period';

/**
 * A receipt id: `rcp_<yyyymm>_<22 base64url>`. The month (Japan time, as the
 * merchant's books and PayPay's records count days) names the log object that
 * holds the entry, so one month's receipts sit together and go together; the
 * 128 random bits make the id unguessable, since `GET /v1/receipts/:id` answers
 * whoever holds the bearer. 16 bytes are 22 characters, the last carrying 2
 * bits (one of A, Q, g, w): the pattern accepts only the canonical spelling.
 */
const RECEIPT_ID = /^rcp_(\d{4}(?:0[1-9]|1[0-2]))_[A-Za-z0-9_-]{21}[AQgw]$/;

/** A new receipt id for a receipt issued at `now` (ms since the epoch). */
export function newReceiptId(now: number): string {
  const month = jstDay(now).slice(0, 7).replace('-', '');
  return `rcp_${month}_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** The name of the log object of a receipt id's month, `receipts-<yyyymm>`, or null for a malformed id. */
export function receiptLogName(id: string): string | null {
  const month = RECEIPT_ID.exec(id)?.[1];
  return month === undefined ? null : `receipts-${month}`;
}
