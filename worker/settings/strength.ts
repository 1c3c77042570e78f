import type { SettingName } from './values';
import type { Cidr } from '../webhooks/cidr';

// Values that parse but protect little: refused in production, warned about in
// development (parseConfig's `weak`). Checked by name only, never echoed.

/** Characters a secret (bearer, path token) has at least in production: 32, as 16 random bytes in hex. */
export const SECRET_MIN_LENGTH = 32;

/**
 * Distinct characters a secret has at least in production. Not an entropy
 * measure, a floor against the obvious (`aaaa…`, `abab…`, a short word
 * repeated): 32 random characters of any alphabet of 10 or more have 8 distinct
 * ones but about once in a thousand draws (decimal digits), far less often in hex or base64.
 */
export const SECRET_MIN_DISTINCT = 8;

/**
 * The widest source blocks production takes on the webhook routes: an IPv4 /16
 * (65,536 addresses) and an IPv6 /32 (an operator's allocation). Anything wider
 * (`0.0.0.0/0`, `::/0`, a /8) is an allowlist in name only.
 */
export const WIDEST_IPV4_PREFIX = 16;
export const WIDEST_IPV6_PREFIX = 32;

/** Why `value` is too weak a secret for production, or null. Names the setting, never the value. */
export function secretWeakness(name: SettingName, value: string): string | null {
  const distinct = new Set(value).size;
  if (value.length >= SECRET_MIN_LENGTH && distinct >= SECRET_MIN_DISTINCT) return null;
  return `${name} must be at least ${SECRET_MIN_LENGTH} characters with at least ${SECRET_MIN_DISTINCT} different ones (e.g. openssl rand -hex 32)`;
}

/** Why a source allowlist is too broad for production, or null. */
export function blocksWeakness(name: SettingName, blocks: readonly Cidr[]): string | null {
  const broad = blocks.some((block) =>
    block.bytes.length === 4
      ? block.prefix < WIDEST_IPV4_PREFIX
      : block.prefix < WIDEST_IPV6_PREFIX,
  );
  if (!broad) return null;
  return `${name} has a block wider than an IPv4 /${WIDEST_IPV4_PREFIX} or an IPv6 /${WIDEST_IPV6_PREFIX}: list PayPay's addresses, not whole networks`;
}
