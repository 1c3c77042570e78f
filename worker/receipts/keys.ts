import type { Config } from '../settings/config';

/** What choosing the key reads of the settings. */
type KeySettings = Pick<Config, 'environment' | 'receipts'>;
import type { PrivateJwk, PublicJwk } from '../settings/receipts';
import { publicJwkOf, type ReceiptKey } from './jws';
import { devKeyObject } from './stub';

/**
 * The key that signs receipts now: RECEIPT_SIGNING_KEY when set; in
 * development without one, the deployment's throwaway key (the `dev-key`
 * object's); in production without one, none: exchanges answer
 * `receipt: null` and `/healthz` warns (settings/receipts.ts).
 */
export async function signingKeyOf(env: Env, config: KeySettings): Promise<ReceiptKey | null> {
  const key = await currentKey(env, config);
  // WebCrypto's import takes the key material; kid, alg and use are the JWS header's business.
  return key && { kid: key.kid, privateJwk: { kty: key.kty, crv: key.crv, x: key.x, d: key.d } };
}

/**
 * The keys `GET /.well-known/jwks.json` publishes: the current key's public
 * half first, then the retired ones of RECEIPT_PREVIOUS_KEYS, so a receipt
 * signed before a rotation still verifies. Never a private part.
 */
export async function publishedKeys(env: Env, config: KeySettings): Promise<PublicJwk[]> {
  const key = await currentKey(env, config);
  const current = key && (publicJwkOf({ kid: key.kid, privateJwk: key }) as PublicJwk);
  return [...(current ? [current] : []), ...config.receipts.previous];
}

async function currentKey(env: Env, config: KeySettings): Promise<PrivateJwk | null> {
  if (config.receipts.key !== null) return config.receipts.key;
  return config.environment === 'development' ? devKeyObject(env).devKey() : null;
}
