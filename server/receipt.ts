import { canonicalJson } from './canonical-json.js';
import { KycPassportError } from './errors.js';
import { keyLoaderOf, keysWithKid, type ReceiptJwk, type ReceiptKeys } from './receipt-keys.js';

/**
 * The payload of a receipt, as the Worker signs it: a copy of ReceiptPayload
 * in the Worker's worker/receipts/contract.ts (this module is published alone).
 * `jti`, `iat`, `iss` keep RFC 7519's meanings.
 */
export interface ReceiptPayload {
  /** The receipt's id: `GET /v1/receipts/:id` reads its log entry. */
  jti: string;
  /** When it was issued, seconds since the epoch. */
  iat: number;
  /** The Worker's origin. */
  iss: string;
  /** The session's object id (the part of the session id before the dot). */
  sid: string;
  mode: 'public' | 'merchant';
  referenceId: string | null;
  /** When PayPay answered with the verified identity, ISO 8601. */
  verifiedAt: string;
  /** PayPay's X-REQUEST-IDs of the QR's creation and of the KYC fetch, those PayPay sent. */
  paypayRequestIds: string[];
  /** PayPay's code id of the QR. */
  codeId: string;
  /** How PayPay checked the user, as PayPay sent it (kycType, eKycDocument, kycCompletedAt). */
  document: Record<string, unknown>;
  /** The claims released (`age_over_20`, ..., `kyc`). */
  claims: string[];
  /** SHA-256 (base64url) of the released `{claims, kyc}` in RFC 8785 canonical JSON. */
  digest: string;
}

/** What `verifyReceipt` returns: the signed payload, and the id of the key that signed it. */
export interface VerifiedReceipt extends ReceiptPayload {
  kid: string;
}

/** What the receipt vouches for: the exchange answer's `claims` and `kyc` (the whole answer does). */
export interface ReleasedValues {
  claims: object;
  kyc?: object;
}

const ED25519 = { name: 'Ed25519' } as const;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Checks a receipt (a compact JWS, EdDSA over Ed25519) against the values the
 * exchange released, and returns its payload with the signing key's id. In
 * order: three base64url parts of JSON; header `alg` exactly `EdDSA` and a
 * `kid`; an Ed25519 key with that `kid` in the JWKS; the signature; the
 * payload's `digest` is the SHA-256 of the RFC 8785 JSON of `{claims, kyc}`
 * (`kyc` only when given); its `claims` name exactly the keys of `claims`,
 * plus `kyc` when given.
 *
 * Throws a `KycPassportError`: a `ReceiptErrorCode` when the receipt does not
 * prove these values, or `NETWORK_ERROR`, `TIMEOUT`, `INVALID_RESPONSE` when
 * the JWKS could not be fetched. Arguments of the wrong shape (no `claims`
 * object, no keys, an endpoint that is not https) are a `TypeError`.
 */
export async function verifyReceipt(
  receipt: string,
  released: ReleasedValues,
  keys: ReceiptKeys,
): Promise<VerifiedReceipt> {
  const values = releasedOf(released);
  const loadKeys = keyLoaderOf(keys);
  const jws = jwsOf(receipt);
  // For messages: the kid is the sender's text, and messages get logged.
  const kid = JSON.stringify(jws.kid.slice(0, 64));

  const candidates = keysWithKid(await loadKeys(), jws.kid);
  if (candidates.length === 0)
    throw new KycPassportError(
      'RECEIPT_UNKNOWN_KEY',
      `The JWKS has no Ed25519 key with kid ${kid}: a retired key must stay in RECEIPT_PREVIOUS_KEYS`,
    );
  let verified = false;
  for (const key of candidates) if (await signedBy(jws, key)) verified = true;
  if (!verified)
    throw new KycPassportError(
      'RECEIPT_BAD_SIGNATURE',
      `The signature does not verify with the key ${kid}: the receipt was changed, or another key signed it`,
    );

  const { payload } = jws;
  if ((await digestOf(values)) !== payload.digest)
    throw new KycPassportError(
      'RECEIPT_DIGEST_MISMATCH',
      'The receipt was signed for other values: claims or kyc differ from what was released',
    );
  const given = [...Object.keys(values.claims), ...('kyc' in values ? ['kyc'] : [])];
  const signed = payload.claims;
  if (
    new Set(signed).size !== signed.length ||
    signed.length !== given.length ||
    given.some((name) => !signed.includes(name))
  )
    throw new KycPassportError(
      'RECEIPT_CLAIMS_MISMATCH',
      `The receipt lists the claims [${signed.join(', ')}], the values given are [${given.join(', ')}]`,
    );
  return { ...payload, kid: jws.kid };
}

/** base64url(SHA-256(RFC 8785 JSON)) of `{claims, kyc}`: the Worker's digestOf. */
async function digestOf(values: { claims: object; kyc?: unknown }): Promise<string> {
  const bytes = new Uint8Array(new TextEncoder().encode(canonicalJson(values)));
  return encodeBase64Url(new Uint8Array(await subtle().digest('SHA-256', bytes)));
}

interface Jws {
  kid: string;
  payload: ReceiptPayload;
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

function jwsOf(receipt: unknown): Jws {
  if (typeof receipt !== 'string')
    malformed('No receipt (the exchange answers receipt: null when the Worker has no signing key)');
  const parts = receipt.trim().split('.');
  if (parts.length !== 3) malformed('A receipt is a compact JWS: three base64url parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonPart(headerPart, 'header');
  if (header.alg !== 'EdDSA')
    malformed(
      `The header's alg is ${JSON.stringify(header.alg)?.slice(0, 40)}: receipts are EdDSA only`,
    );
  if (typeof header.kid !== 'string' || header.kid === '') malformed('The header has no kid');
  // RFC 7515 section 4.1.11: an extension we do not know must be refused.
  if ('crit' in header) malformed('The header has crit: no receipt of ours does');
  const payload = jsonPart(payloadPart, 'payload');
  const strings = (list: unknown) =>
    Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (
    typeof payload.jti !== 'string' ||
    typeof payload.iat !== 'number' ||
    typeof payload.iss !== 'string' ||
    typeof payload.digest !== 'string' ||
    !strings(payload.claims)
  )
    malformed('The payload is not a receipt: jti, iat, iss, claims or digest missing');
  const signature = decodeBase64Url(signaturePart);
  if (signature === null) malformed('The signature is not base64url');
  return {
    kid: header.kid,
    payload: payload as unknown as ReceiptPayload,
    // A copy: TextEncoder's bytes are typed over any buffer, WebCrypto takes an ArrayBuffer's.
    signingInput: new Uint8Array(new TextEncoder().encode(`${headerPart}.${payloadPart}`)),
    signature,
  };
}

function jsonPart(part: string, name: string): Record<string, unknown> {
  const bytes = decodeBase64Url(part);
  let parsed: unknown;
  try {
    parsed =
      bytes &&
      JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) malformed(`The ${name} is not base64url JSON of an object`);
  return parsed;
}

function malformed(message: string): never {
  throw new KycPassportError('RECEIPT_MALFORMED', message);
}

async function signedBy(jws: Jws, jwk: ReceiptJwk): Promise<boolean> {
  if (jws.signature.length !== 64) return false; // every Ed25519 signature is 64 bytes
  // The public part only: a JWK with `d`, `key_ops` or `ext` would be refused for verify.
  const publicJwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  let key: CryptoKey;
  try {
    key = await subtle().importKey('jwk', publicJwk, ED25519, false, ['verify']);
  } catch {
    return false; // an x that is no Ed25519 point verifies nothing
  }
  return subtle().verify(ED25519, key, jws.signature, jws.signingInput);
}

function releasedOf(released: ReleasedValues): { claims: object; kyc?: unknown } {
  const claims = isObject(released) ? released.claims : undefined;
  if (!isObject(claims) || Array.isArray(claims))
    throw new TypeError(
      'verifyReceipt: released must be the exchange answer (or {claims, kyc}): its claims object, {} when only kyc was asked',
    );
  // As the Worker digests: kyc only when the answer had it.
  const kyc = (released as { kyc?: unknown }).kyc;
  return kyc === undefined ? { claims } : { claims, kyc };
}

/** WebCrypto: global on Node 20+, Workers, Deno and Bun; Node 18 has it behind a flag only. */
function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!found)
    throw new TypeError(
      'verifyReceipt needs WebCrypto (globalThis.crypto.subtle): use Node 20+, or run Node 18 with --experimental-global-webcrypto',
    );
  return found;
}

function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  let binary: string;
  try {
    binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
