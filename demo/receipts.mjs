// What the demo merchant's server does with the signed receipt of an exchange,
// as a careful merchant would: `verifyReceipt` of the package's server helper
// checks its signature against the Worker's public keys and that its digest is
// the digest of what the exchange released (docs/api.md "Receipts").
import { verifyReceipt } from '../dist/server/index.js';

/**
 * A checker of exchange answers against the Worker at `workerUrl`. It answers
 * null for an answer without a receipt (a Worker with no signing key), else
 * `{id, kid, signature: 'verified'|'refused', digest?: 'matches'|'differs', error?}`.
 */
export function receiptChecker(workerUrl) {
  const origin = new URL(workerUrl).origin;
  return async function check(answer) {
    if (typeof answer?.receipt !== 'string') return null;
    try {
      const receipt = await verifyReceipt(answer.receipt, answer, { endpoint: origin });
      // The Worker signs as its own origin: a receipt from anyone else is not ours.
      if (receipt.iss !== origin) throw Object.assign(new Error('iss'), { code: 'RECEIPT_ISSUER' });
      return { id: receipt.jti, kid: receipt.kid, signature: 'verified', digest: 'matches' };
    } catch (error) {
      const code = error?.code ?? 'ERR_RECEIPT';
      // The signature held and only the released values differ: say which.
      if (code === 'RECEIPT_DIGEST_MISMATCH')
        return { id: null, kid: null, signature: 'verified', digest: 'differs', error: code };
      return { id: null, kid: null, signature: 'refused', error: code };
    }
  };
}
