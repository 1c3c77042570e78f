import { DurableObject } from 'cloudflare:workers';
import { parseIp } from '../webhooks/cidr';

/** Whether a creation may go ahead, and when to try again if not. */
export interface RateVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Session creations per client IP: one small Durable Object per IP, because a
 * counter in KV is eventually consistent (two locations would each allow the
 * full limit) and limited to about one write per second per key. The window is
 * kept in memory: if the object is evicted, the count starts again, which errs
 * on the side of letting a customer through.
 */
export class CreationRateLimiter extends DurableObject<Env> {
  private hits: number[] = [];

  /** Records one attempt if under `limit` per minute. */
  async hit(limit: number): Promise<RateVerdict> {
    const now = Date.now();
    this.hits = this.hits.filter((t) => t > now - WINDOW_MS);
    if (this.hits.length >= limit) {
      const oldest = this.hits[0] ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)),
      };
    }
    this.hits.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

/**
 * A network (IPv4 /24, IPv6 /48) may create this many times the per-client
 * limit a minute. A fixed multiple rather than a setting: it bounds what one
 * hosting customer or one operator's block (a /48 holds 65,536 /64s, each a
 * client of its own) can take of the global cap, and 10 leaves room for an
 * office or campus behind one /24 (docs/security.md, "the limits of creation").
 */
export const NETWORK_LIMIT_MULTIPLE = 10;

/**
 * The client a creation is counted against: an IPv4 address, or an IPv6 /64.
 * One subscriber is given a whole /64 (often more), so keying by the full IPv6
 * address would give one client 2^64 separate limits.
 */
export function clientKeyOf(ip: string): string {
  return prefixKey(ip, 32, 64);
}

/** The network a creation is also counted against: its IPv4 /24 or IPv6 /48. */
export function networkKeyOf(ip: string): string {
  return prefixKey(ip, 24, 48);
}

/**
 * `ip` cut to its first `v4` or `v6` bits (whole bytes), spelt one way whatever
 * the spelling it came in; an address that does not parse is its own key.
 */
function prefixKey(ip: string, v4: 24 | 32, v6: 48 | 64): string {
  // The webhooks' address parser: one reading of IPv4, IPv6 and IPv4-mapped IPv6.
  const bytes = parseIp(ip);
  if (bytes === null) return ip;
  if (bytes.length === 4) {
    const kept = [...bytes].map((byte, i) => (i < v4 / 8 ? byte : 0)).join('.');
    return v4 === 32 ? kept : `${kept}/${v4}`;
  }
  const groups = Array.from({ length: v6 / 16 }, (_, g) =>
    (((bytes[2 * g] ?? 0) << 8) | (bytes[2 * g + 1] ?? 0)).toString(16),
  );
  return `${groups.join(':')}::/${v6}`;
}
