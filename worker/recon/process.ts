import type { Config } from '../settings/config';
import type { ReconClaim } from './table';
import { feedOf, feedShard, byShard, feedShardCount } from '../feed/stub';
import { ReconCsvReader } from './csv';
import { openRecon } from './download';
import { logLine } from '../log';
import { countNow } from '../metrics/count';

/**
 * Bounds of recon processing. A file is read as a stream and its ids go to the
 * feed object in batches as they fill; each batch is one short SQLite
 * transaction there (a few set-based statements: tens of ms for 2,000 ids), so
 * webhooks and feed reads recorded meanwhile wait at most that long.
 */
export const RECON_LIMITS = {
  /** Ids per call to the feed object: 1,000,000 ids are 500 calls. */
  batch: 2_000,
  /**
   * A pause after each batch, so requests that share the isolate (and, under
   * wrangler dev, its one thread with the feed object) get in: 100,000 ids
   * take 0.25 s longer, and a feed read during a file stays under 200 ms.
   */
  pauseMs: 5,
  /**
   * Lines a file may have, blank and junk ones included (PayPay's files list
   * the users updated in a day: 2 million is a very large merchant). More is
   * FILE_TOO_LARGE.
   */
  maxLines: 2_000_000,
  /**
   * Wall time the notification's invocation gives its file before it leaves
   * the rest to the next cron run, which resumes from `processed`: inside the
   * 30 s a `waitUntil` may outlive its response.
   */
  notificationMs: 20_000,
  /**
   * Wall time a cron run gives recon files (a Cron Trigger may run 15 min; its
   * CPU, 30 s for a minutely cron, is spent on parsing: about 0.5 s for a
   * million ids). Should a run be cut short anyway, the file's lease (2 min,
   * renewed by each batch) hands it to a later run.
   */
  cronMs: 240_000,
  /**
   * Feed calls one invocation makes for recon (Workers allow 1,000
   * subrequests to Durable Objects an invocation); the download is one more.
   * With FEED_SHARDS > 1 a batch costs a call per shard it names, plus one.
   */
  invocationCalls: 600,
};

/** How processing a claimed file ended; `paused`: the invocation's share is used, the cron resumes it. */
export type ReconEnd = 'done' | 'retry' | 'lost' | 'paused';

/** What one invocation may still spend on recon files: shared by the files of a cron run. */
export interface ReconBudget {
  /** Epoch ms after which no new batch is started. */
  deadline: number;
  /** Feed calls left. */
  calls: number;
}

/** A fresh budget for one invocation: the notification's (default) or a cron run's. */
export function reconBudget(ms: number = RECON_LIMITS.notificationMs): ReconBudget {
  return { deadline: Date.now() + ms, calls: RECON_LIMITS.invocationCalls };
}

/**
 * Streams one claimed recon file into the feed: download, parse and record
 * batch by batch, never holding the file. Ids an earlier attempt recorded
 * (`claim.processed`) are read again but not sent (batches are idempotent
 * anyway). When the budget runs out the file is released, due at once, for
 * the next cron run to resume. A failure is handed back to the feed object,
 * which schedules the cron trigger's next attempt or, once PayPay's 2-hour
 * window has closed, reports the file lost.
 */
export async function processRecon(
  env: Env,
  config: Config,
  claim: ReconClaim,
  now: number,
  fetchFn?: typeof fetch,
  budget: ReconBudget = reconBudget(),
): Promise<ReconEnd> {
  const startedAt = Date.now();
  const calls = budget.calls;
  const progress = {
    sent: 0,
    missed: 0,
    processed: claim.processed,
    reason: null as string | null,
  };
  const ended = await streamFile(env, config, claim, now, fetchFn, budget, progress);
  await countNow(env, [
    ['recon.ids', progress.sent],
    ['recon.misses', progress.missed],
  ]);
  // One line per file and invocation: counts only, never an id.
  logLine('log', 'recon', {
    outcome: ended,
    ...(progress.reason !== null ? { reason: progress.reason } : {}),
    ids: progress.sent,
    processed: progress.processed,
    calls: calls - budget.calls,
    ms: Date.now() - startedAt,
  });
  return ended;
}

async function streamFile(
  env: Env,
  config: Config,
  claim: ReconClaim,
  now: number,
  fetchFn: typeof fetch | undefined,
  budget: ReconBudget,
  progress: { sent: number; missed: number; processed: number; reason: string | null },
): Promise<ReconEnd> {
  const feed = feedOf(env);
  const shards = feedShardCount(env);
  // About RECON_LIMITS.batch ids for each shard: a batch split N ways then costs
  // N + 1 calls for N times the ids, so the invocation's 600 calls go as far as
  // with one shard (with 2,000 a batch, 4 shards spent 5 calls per 2,000 ids and
  // a million-id file needed four cron runs instead of one invocation).
  const batchSize = RECON_LIMITS.batch * shards;
  const failed = async (reason: string) => {
    progress.reason = reason;
    return (await feed.reconFailed(claim.notificationId, reason, now)).value;
  };
  if (Date.now() >= budget.deadline || budget.calls <= 2) {
    await feed.reconPaused(claim.notificationId, now);
    return 'paused';
  }
  budget.calls--;
  const opened = await openRecon(claim.path, {
    allowedHosts: config.reconAllowedHosts,
    // The invocation's share bounds the download too, chunk by chunk.
    deadline: budget.deadline,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  if (!opened.ok) return failed(opened.error);
  const body = opened.value;
  const reader = new ReconCsvReader({ maxLines: RECON_LIMITS.maxLines });
  /** Ids of the file read so far (the feed has the first `progress.processed`). */
  let read = 0;
  let batch: string[] = [];
  const take = (ids: string[]) => {
    for (const id of ids) {
      if (read++ >= claim.processed) batch.push(id);
    }
  };
  /** Sends full batches (all of them at the end); false once the budget is spent. */
  const send = async (all: boolean): Promise<boolean> => {
    while (batch.length >= batchSize || (all && batch.length > 0)) {
      if (Date.now() >= budget.deadline) return false;
      const ids = batch.slice(0, batchSize);
      const parts = shards === 1 ? null : byShard(ids, shards, (id) => id);
      // One call left after the batch's: the file's pause or end.
      const calls = parts === null ? 1 : parts.size + 1;
      if (budget.calls - calls < 1) return false;
      batch = batch.slice(ids.length);
      budget.calls -= calls;
      progress.missed +=
        parts === null
          ? (await feed.reconBatch(claim.notificationId, progress.processed, ids, now)).value.missed
          : await sendParts(env, claim, parts, progress.processed + ids.length, now);
      progress.sent += ids.length;
      progress.processed += ids.length;
      // Room for the isolate's other requests (feed reads, webhooks) between batches.
      await new Promise((resolve) => setTimeout(resolve, RECON_LIMITS.pauseMs));
    }
    return true;
  };
  const pause = async (): Promise<ReconEnd> => {
    await body.cancel();
    await feed.reconPaused(claim.notificationId, now);
    return 'paused';
  };
  for (;;) {
    const chunk = await body.read();
    // Out of time with ids recorded: the next run resumes from them. With none,
    // a failed attempt, backed off: a host that trickles must not hold the queue.
    if (!chunk.ok && chunk.error === 'TOO_SLOW' && progress.sent > 0) return pause();
    if (!chunk.ok) return failed(chunk.error);
    const ids: string[] = [];
    const error = chunk.value === null ? reader.end(ids) : reader.write(chunk.value, ids);
    if (error) {
      await body.cancel();
      return failed(error);
    }
    take(ids);
    if (!(await send(chunk.value === null))) return pause();
    if (chunk.value === null) break;
  }
  const { junk, junkLines } = reader.summary();
  await feed.reconFinished(claim.notificationId, { total: reader.ids, junk, junkLines }, now);
  return 'done';
}

/**
 * A batch split by shard: each part recorded in its users' shard, all in
 * parallel (so recon scales with the shards), then the file's progress on
 * the home shard, which keeps the file. Should one part fail, the progress is
 * not recorded and the file is resumed from before the batch: parts already
 * recorded add nothing the second time (the misses' dedupe key).
 */
async function sendParts(
  env: Env,
  claim: ReconClaim,
  parts: Map<number, string[]>,
  processed: number,
  now: number,
): Promise<number> {
  const file = {
    notificationId: claim.notificationId,
    fileType: claim.fileType,
    period: claim.period,
  };
  const recorded = await Promise.all(
    [...parts].map(
      async ([index, ids]) => (await feedShard(env, index).reconIds(file, ids, now)).value,
    ),
  );
  const missed = recorded.reduce((sum, part) => sum + part.missed, 0);
  await feedOf(env).reconProgress(claim.notificationId, processed, missed, now);
  return missed;
}
