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
