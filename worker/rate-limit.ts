import { DurableObject } from 'cloudflare:workers';
import { parseIp } from './webhooks/cidr';

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
 * The client a creation is counted against: an IPv4 address, or an IPv6 /64.
 * One subscriber is given a whole /64 (often more), so keying by the full IPv6
 * address would give one client 2^64 separate limits.
 */
export function clientKeyOf(ip: string): string {
  // The webhooks' address parser: one reading of IPv4, IPv6 and IPv4-mapped IPv6.
  const bytes = parseIp(ip);
  if (bytes === null) return ip;
  if (bytes.length === 4) return bytes.join('.');
  const groups = [0, 2, 4, 6].map((i) =>
    (((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16),
  );
  return `${groups.join(':')}::/64`;
}
