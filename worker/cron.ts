import type { Config } from './settings/config';
import { mapLimit } from './concurrency';
import { feedOf } from './feed/stub';
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

/** What one run did, for its log line. */
export interface CronSummary {
  recon: string[];
  rereads: number;
  notices: number;
  forgets: number;
  forwarded: number;
  unflushed: number;
  failed: string[];
}

/**
 * The cron trigger (every minute): retries recon downloads until PayPay's
 * window closes (then the file is reported lost), queues due re-reads, makes
 * unlinks of forgotten users, appends authorization expiry events,
 * retries forwarding, and makes sure state still waiting for KV gets its
 * copy (the feed object's alarm writes it). `now` is the scheduled time, so
 * tests drive it.
 */
export async function runScheduled(
  env: Env,
  config: Config,
  now: number,
  fetchFn?: typeof fetch,
): Promise<CronSummary> {
  const feed = feedOf(env);
  const summary: CronSummary = {
    recon: [],
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
      summary.failed.push(`${name}: ${error instanceof Error ? error.name : typeof error}`);
    }
  };
  await step('recon', async () => {
    // One file claimed at a time, while this run's recon budget lasts: a file
    // claimed and left waiting would sit out its lease.
    const budget = reconBudget(RECON_LIMITS.cronMs);
    while (summary.recon.length < CRON_LIMITS.reconFiles && Date.now() < budget.deadline) {
      const [claim] = (await feed.dueRecon(now, 1)).value;
      if (!claim) break;
      const processed = await processRecon(env, config, claim, now, fetchFn, budget);
      summary.recon.push(processed);
      if (processed === 'paused') break;
    }
  });
  await step('rereads', async () => {
    // Queued, not made here: the REREADS consumer keeps to PAYPAY_REREADS_PER_MINUTE.
    summary.rereads = await queueDueRereads(env, config, now);
  });
  await step('forgets', async () => {
    // Before forwarding: a forget finished now is forwarded in this same run.
    const { value: due } = await feed.dueForgets(now, CRON_LIMITS.forgets);
    await mapLimit(due, CRON_LIMITS.rereadConcurrency, (a) => attemptForget(env, config, a, now));
    summary.forgets = due.length;
  });
  await step('notices', async () => {
    const windowMs = config.authorizationExpiringDays * 86_400_000;
    const notices = await feed.authorizationNotices(now, windowMs, CRON_LIMITS.notices);
    summary.notices = notices.value;
  });
  await step('forward', async () => {
    summary.forwarded = await forwardDue(env, config, now, CRON_LIMITS.forwards, fetchFn);
  });
  await step('flush', async () => {
    summary.unflushed = (await feed.kickFlush()).value;
  });
  await step('prune', async () => {
    await feed.prune(now);
  });
  return summary;
}
