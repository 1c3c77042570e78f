import { fromBase64, toBase64Url, utf8 } from './encoding';

/** The claims PayPay puts in the account-link responseToken (docs/paypay-assumptions.md). */
export interface ResponseTokenClaims {
  iss: 'paypay.ne.jp';
  /** The merchant's client ID (the API key without its last `_xxxx`), or a variant's. */
  aud: string | string[];
  /** Epoch seconds. */
  exp: number;
  result: 'succeeded' | 'declined' | 'bad_request';
  /** Echo of the nonce sent when the QR was created. */
  nonce: string;
  referenceId?: string;
  /** Only when result is succeeded. */
  userAuthorizationId?: string;
  /** Masked phone number, e.g. "*******5678"; only when result is succeeded. */
  profileIdentifier?: string;
}

/** How long a responseToken is valid. */
export const RESPONSE_TOKEN_TTL_SECONDS = 300;

/**
 * Signs a responseToken as PayPay does: HS256 keyed by the base64-DECODED API
 * secret (unlike request signing, which uses the secret's text), base64url
 * without padding, and no `iat` claim.
 */
export async function signResponseToken(
  claims: ResponseTokenClaims,
  apiSecret: string,
): Promise<string> {
  const secret = fromBase64(apiSecret);
  if (secret === null) throw new Error('apiSecret is not base64');
  const header = toBase64Url(utf8(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const payload = toBase64Url(utf8(JSON.stringify(claims)));
  const key = await crypto.subtle.importKey(
    'raw',
    secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, utf8(`${header}.${payload}`));
  return `${header}.${payload}.${toBase64Url(new Uint8Array(signature))}`;
}
