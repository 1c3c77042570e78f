import { mapLimit } from '../concurrency';
import type { RereadClaim } from '../feed/event-feed';
import { reread } from '../feed/reread';
import { feedShards } from '../feed/stub';
import { errorName, logLine } from '../log';
import { forwardDue } from '../feed/forward';
import type { Config } from '../settings/config';
import { rereadMessage, type Received, type RereadMessage } from './messages';

/** Forwarding attempts made right after new events; the cron trigger does the rest. */
export const FORWARD_NOW = 10;
/** Messages one `sendBatch` may carry (Queues' limit). */
const SEND_BATCH = 100;
/** Re-reads one consumer invocation runs at once: PayPay calls, each up to a few seconds. */
const CONCURRENCY = 10;
/** The CreationRateLimiter counter of re-reads: one for the deployment, every invocation together. */
export const REREADS_LIMIT_KEY = 'paypay:rereads';

/**
 * Queues re-reads the feed handed out (their leases taken) on REREADS. A send
 * that fails loses nothing: the users table keeps each re-read due, and the
 * cron claims it again once its lease ends.
 */
export async function sendRereads(env: Env, claims: readonly RereadClaim[]): Promise<void> {
  const chunks: RereadClaim[][] = [];
  for (let i = 0; i < claims.length; i += SEND_BATCH) chunks.push(claims.slice(i, i + SEND_BATCH));
  await mapLimit(chunks, 10, (chunk) =>
    env.REREADS.sendBatch(
      chunk.map((claim) => ({ body: rereadMessage(claim), contentType: 'json' as const })),
    ),
  );
}

/** Claims one `dueRereads` call takes at most: its transaction stays short. */
const CLAIM_PAGE = 500;

/**
 * The cron's re-reads: every shard hands out its due re-reads (leased to us),
 * up to its share of a minute of PAYPAY_REREADS_PER_MINUTE, confirmed users
 * first and unconfirmed ones within their budget, and each page goes to
 * REREADS, whose consumer makes them at that pace. How many were queued.
 */
export async function queueDueRereads(env: Env, config: Config, now: number): Promise<number> {
  const shards = feedShards(env);
  const share = Math.ceil(config.rereadsPerMinute / shards.length);
  // Each shard keeps its own unconfirmed budget: together they keep the setting's.
  const unconfirmed = Math.ceil(config.unconfirmedRereadsPerMinute / shards.length);
  const queued = await Promise.all(
    shards.map(async (shard) => {
      let claimed = 0;
      while (claimed < share) {
        const page = Math.min(CLAIM_PAGE, share - claimed);
        const { value: claims } = await shard.dueRereads(now, page, unconfirmed);
        await sendRereads(env, claims);
        claimed += claims.length;
        if (claims.length < page) break;
      }
      return claimed;
    }),
  );
  return queued.reduce((sum, n) => sum + n, 0);
}

/**
 * PayPay said "too many requests": this message and those of the batch not
 * yet started wait 1 minute, doubling with each attempt up to 30 minutes (the
 * consumer's max_retries of 100 is days of that). Retried, never dropped.
 */
export function slowDownSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 1_800);
}

/**
 * The REREADS consumer: each message is one re-read, made at the pace of
 * PAYPAY_REREADS_PER_MINUTE across every invocation (one CreationRateLimiter
 * counter). A message over the rate waits for the next window; a re-read PayPay
 * answers 429 is retried later, slowing the rest of the batch down with it;
 * anything else is acked, since `reread()` stored the answer or the failure and
 * the users table (due, lease, back-off) is the truth the cron works from.
 */
export async function consumeRereads(
  messages: readonly Received<RereadMessage>[],
  env: Env,
  config: Config,
): Promise<void> {
  const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(REREADS_LIMIT_KEY));
  const started = new Set<string>();
  let slowed: number | null = null;
  let made = 0;
  await mapLimit(messages, CONCURRENCY, async ({ message, body }) => {
    // The same user twice in one batch (a claim and its re-claim): one read does for both.
    if (started.has(body.userAuthorizationId)) return message.ack();
    started.add(body.userAuthorizationId);
    if (slowed !== null) return message.retry({ delaySeconds: slowed });
    const hit = await limiter.hit(config.rereadsPerMinute);
    if (!hit.ok) return message.retry({ delaySeconds: hit.error.retryAfterSeconds });
    const claim = { userAuthorizationId: body.userAuthorizationId, startedAt: body.startedAt };
    try {
      // Stored no earlier than its claim began (the cron's claims carry its scheduled time).
      const outcome = await reread(env, config, claim, Math.max(Date.now(), claim.startedAt));
      if (!outcome.slowDown) {
        made++;
        return message.ack();
      }
      const delaySeconds = slowDownSeconds(message.attempts);
      slowed ??= delaySeconds;
      message.retry({ delaySeconds });
    } catch (error) {
      // The feed refused the answer (a shard down): the lease ends and the cron claims it again.
      logLine('error', 'queue', { what: 're-read not stored', error: errorName(error) });
      message.ack();
    }
  });
  // A changed standing is an event: forwarded now, as after a webhook.
  if (made > 0 && config.merchantWebhook !== null) {
    try {
      await forwardDue(env, config, Date.now(), FORWARD_NOW);
    } catch (error) {
      logLine('error', 'queue', { what: 'forward after re-reads', error: errorName(error) });
    }
  }
}
