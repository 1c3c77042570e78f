import { DurableObject } from 'cloudflare:workers';
import { err, ok, type Result } from '../../shared/result';
import { parseIp } from '../webhooks/cidr';
import { apiErrorOf, type RateLimited } from './failure';
import type { Stage } from './pipeline';

const WINDOW_MS = 60_000;

/** The limiter's refusal: when to try again. The stage that asked says which limit it was. */
export type OverLimit = Omit<RateLimited, 'message'> & { retryAfterSeconds: number };

/** Each run makes four PayPay calls; PayPay rate-limits, so a loop must not burn the quota. */
export const DOCTOR_RUNS_PER_MINUTE = 6;

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
  async hit(limit: number): Promise<Result<null, OverLimit>> {
    const now = Date.now();
    this.hits = this.hits.filter((t) => t > now - WINDOW_MS);
    if (this.hits.length >= limit) {
      const oldest = this.hits[0] ?? now;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      return err({ code: 'RATE_LIMITED', retryAfterSeconds });
    }
    this.hits.push(now);
    return ok(null);
  }
}

/**
 * Stage of a browser's session creation, after its body is validated (garbage
 * from many addresses costs nothing and must not spend the customers' global
 * share): one creation against its client's limit, its network's (IPv4 /24,
 * IPv6 /48) and the global cap, in that order. Each is counted only once the
 * narrower ones let it through, so one noisy client or network cannot spend
 * everyone's share. Each creation is a PayPay call and a Durable Object, and a
 * flood from many /64s of one /48 is cheap. A merchant's server has no per-IP
 * limit: one server speaks for every customer.
 */
export const creationLimits: Stage = async (request, env, _ctx, rc) => {
  const { config } = rc;
  const ip = request.headers.get('CF-Connecting-IP') ?? 'unknown';
  const perClient = config.sessionRateLimitPerMinute;
  const over = (where: string) => `Too many sessions ${where}; try again shortly`;
  await limit(env, `create:${clientKeyOf(ip)}`, perClient, over('from this address'));
  const network = `create:net:${networkKeyOf(ip)}`;
  await limit(env, network, perClient * NETWORK_LIMIT_MULTIPLE, over('from this network'));
  await limit(env, 'create:global', config.sessionGlobalLimitPerMinute, over('right now'));
};

/** One hit on a counter; 429 `RATE_LIMITED` with `Retry-After` and `message` when over. */
async function limit(env: Env, key: string, perMinute: number, message: string): Promise<void> {
  const hit = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)).hit(perMinute);
  if (!hit.ok) throw apiErrorOf({ ...hit.error, message });
}

/**
 * Stage of `GET /v1/doctor`: DOCTOR_RUNS_PER_MINUTE runs in one window for the
 * whole deployment, since every run's calls count against one PayPay client.
 */
export const doctorLimit: Stage = async (_request, env) => {
  const message = `The doctor runs at most ${DOCTOR_RUNS_PER_MINUTE} times a minute; try again shortly`;
  await limit(env, 'doctor', DOCTOR_RUNS_PER_MINUTE, message);
};

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
