import { DurableObject } from 'cloudflare:workers';

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
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  // Four groups of 16 bits, each without leading zeros: one spelling per /64.
  return `${groups
    .slice(0, 4)
    .map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : g))
    .join(':')}::/64`;
}
