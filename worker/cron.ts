import type { Config } from './settings/config';
import { counterKey, countNow } from './metrics/count';
import { mapLimit } from './concurrency';
import { refusalOf } from './http/errors';
import { eachShard, feedOf, feedShard, shardIndexes, shareOf } from './feed/stub';
import { attemptForget } from './feed/forget-attempt';
import { forwardDue } from './feed/forward';
import { processRecon, RECON_LIMITS, reconBudget } from './recon/process';
import { queueDueRereads } from './queues/rereads';

/**
 * Work per cron run, bounded so one invocation stays far inside Workers'
 * limits (subrequests, wall time): recon files, re-reads (PayPay calls, each
 * possibly retried) and forwarded events.
 */
export const CRON_LIMITS = {
  reconFiles: 4,
  rereadConcurrency: 5,
  forwards: 100,
  /** Expiry events appended per run; the rest wait a minute, none is lost. */
  notices: 500,
  forgets: 20,
};

/**
 * Calls a run makes to each feed shard besides recon's (forgets, notices, the
 * outbox's claim and settle, flush, prune): taken from recon's share of the
 * invocation's subrequests, so 64 shards stay inside Workers' 1,000.
 */
const CALLS_PER_SHARD = 6;

/** What one run did, for its log line. */
export interface CronSummary {
  recon: string[];
  /** Recon file types found overdue this run (recon/overdue.ts). */
  overdue: string[];
  rereads: number;
  notices: number;
  forgets: number;
  forwarded: number;
  unflushed: number;
  failed: string[];
}

/**
 * The cron trigger (every minute): retries recon downloads until PayPay's
 * window closes (then the file is reported lost), reports yesterday's recon
 * files not come by RECON_EXPECTED_BY (`recon.overdue`), queues due re-reads, makes
 * unlinks of forgotten users, appends authorization expiry events,
 * retries forwarding, and makes sure state still waiting for KV gets its
 * copy (the feed object's alarm writes it). Recon files are the home shard's;
 * the other steps run on every shard, in parallel. `now` is the scheduled
 * time, so tests drive it.
 */
export async function runScheduled(
  env: Env,
  config: Config,
  now: number,
  fetchFn?: typeof fetch,
): Promise<CronSummary> {
  // The home shard: recon files (and the re-reads' step until their queue).
  const feed = feedOf(env);
  const shards = shardIndexes(env);
  const summary: CronSummary = {
    recon: [],
    overdue: [],
    rereads: 0,
    notices: 0,
    forgets: 0,
    forwarded: 0,
    unflushed: 0,
    failed: [],
  };
  const step = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      // The shard guard's refusal by its code; any other error by its name only.
      const what = refusalOf(error)?.code ?? (error instanceof Error ? error.name : typeof error);
      summary.failed.push(`${name}: ${what}`);
    }
  };
  await step('recon', async () => {
    // One file claimed at a time, while this run's recon budget lasts: a file
    // claimed and left waiting would sit out its lease.
    const budget = reconBudget(RECON_LIMITS.cronMs);
    budget.calls -= CALLS_PER_SHARD * shards.length + 1; // + the overdue check, home shard
    while (summary.recon.length < CRON_LIMITS.reconFiles && Date.now() < budget.deadline) {
      const [claim] = (await feed.dueRecon(now, 1)).value;
      if (!claim) break;
      const processed = await processRecon(env, config, claim, now, fetchFn, budget);
      summary.recon.push(processed);
      if (processed === 'paused') break;
    }
  });
  await step('overdue', async () => {
    // The home shard keeps recon_files: one check there, deduplicated by the events themselves.
    const check = await feed.reconOverdue(now, config.operations.reconExpectedByMinutes);
    summary.overdue = check.value.overdue;
    // Counted once per type and day: `overdue` holds only the events this run appended.
    const missing = summary.overdue.length;
    if (missing > 0)
      await countNow(env, [[counterKey('recon.files', 'missing'), missing]], [], now);
  });
  await step('rereads', async () => {
    // Queued, not made here: the REREADS consumer keeps to PAYPAY_REREADS_PER_MINUTE.
    summary.rereads = await queueDueRereads(env, config, now);
  });
  await step('forgets', async () => {
    // Before forwarding: a forget finished now is forwarded in this same run.
    const turn = Math.floor(now / 60_000);
    const claims = await Promise.allSettled(
      shards.map(async (i) => {
        const share = shareOf(CRON_LIMITS.forgets, shards.length, i, turn);
        return share === 0 ? [] : (await feedShard(env, i).dueForgets(now, share)).value;
      }),
    );
    // What the other shards handed out is attempted even when one shard refused.
    const due = claims.flatMap((claim) => (claim.status === 'fulfilled' ? claim.value : []));
    await mapLimit(due, CRON_LIMITS.rereadConcurrency, (a) => attemptForget(env, config, a, now));
    summary.forgets = due.length;
    const refused = claims.find((claim) => claim.status === 'rejected');
    if (refused) throw refused.reason;
  });
  await step('notices', async () => {
    const windowMs = config.authorizationExpiringDays * 86_400_000;
    const notices = await eachShard(shards, async (i) => {
      const shard = feedShard(env, i);
      return (await shard.authorizationNotices(now, windowMs, CRON_LIMITS.notices)).value;
    });
    summary.notices = notices.reduce((sum, n) => sum + n, 0);
  });
  await step('forward', async () => {
    summary.forwarded = await forwardDue(env, config, now, CRON_LIMITS.forwards, fetchFn);
  });
  await step('flush', async () => {
    const unflushed = await eachShard(
      shards,
      async (i) => (await feedShard(env, i).kickFlush()).value,
    );
    summary.unflushed = unflushed.reduce((sum, n) => sum + n, 0);
  });
  await step('prune', async () => {
    await eachShard(shards, (i) => feedShard(env, i).prune(now));
  });
  return summary;
}
