// What the demo merchant's server does with the signed receipt of an exchange,
// as a careful merchant would: check its signature against the Worker's public
// keys (fetched once and cached by `jose`, re-fetched for an unknown `kid`), and
// that its digest is the digest of what the exchange released.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

/**
 * A checker of exchange answers against the Worker at `workerUrl`. It answers
 * null for an answer without a receipt (a Worker with no signing key), else
 * `{id, kid, signature: 'verified'|'refused', digest?: 'matches'|'differs', error?}`.
 */
export function receiptChecker(workerUrl) {
  const keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', workerUrl));
  // The Worker signs as its own origin: a receipt from anyone else is not ours.
  const issuer = new URL(workerUrl).origin;
  return async function check(answer) {
    if (typeof answer?.receipt !== 'string') return null;
    let kid = null;
    try {
      kid = decodeProtectedHeader(answer.receipt).kid ?? null;
      const { payload } = await jwtVerify(answer.receipt, keys, {
        algorithms: ['EdDSA'],
        issuer,
      });
      const digest = digestOf(answer) === payload.digest ? 'matches' : 'differs';
      return { id: payload.jti ?? null, kid, signature: 'verified', digest };
    } catch (error) {
      return { id: null, kid, signature: 'refused', error: error?.code ?? 'ERR_RECEIPT' };
    }
  };
}

/**
 * The receipt's `digest` recomputed: SHA-256 (base64url) of the released
 * `{claims, kyc}` in RFC 8785 canonical JSON, `kyc` left out when the exchange
 * did not release it (docs/api.md).
 */
export function digestOf(answer) {
  const released =
    'kyc' in answer ? { claims: answer.claims, kyc: answer.kyc } : { claims: answer.claims };
  return createHash('sha256').update(canonicalize(released), 'utf8').digest('base64url');
}
