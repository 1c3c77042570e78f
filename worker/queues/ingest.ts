import type { RereadClaim, WebhookInput } from '../feed/event-feed';
import { forwardDue } from '../feed/forward';
import { countNow } from '../metrics/count';
import type { Increment } from '../metrics/log';
import { feedOf, feedShard, byShard, feedShardCount } from '../feed/stub';
import { errorName, logLine } from '../log';
import { refusalOf } from '../recon/download';
import { periodOf } from '../recon/period';
import { processRecon, reconBudget } from '../recon/process';
import type { ReconClaim } from '../recon/table';
import type { Config } from '../settings/config';
import type { EventMessage, ReconMessage } from './messages';
import { FORWARD_NOW, sendRereads } from './rereads';

/** What recording a set of event notifications did. */
export interface EventsRecorded {
  /** Indexes (in the input) of the notifications whose shard failed: nothing of theirs recorded. */
  failed: Set<number>;
  /** Re-reads the feed handed to this caller, their leases taken. */
  rereads: RereadClaim[];
  /** Notifications new to the feed (not duplicates, not about forgotten users). */
  fresh: number;
}

/**
 * Records event notifications in their users' shards: one `recordBatch` per
 * shard (one call, one transaction), the shards in parallel. A shard that
 * throws fails only its own notifications, which the caller sends again:
 * notification ids make the second time change nothing already recorded.
 */
export async function recordEvents(
  env: Env,
  config: Config,
  events: readonly EventMessage[],
): Promise<EventsRecorded> {
  const shards = feedShardCount(env);
  const indexes = events.map((_, index) => index);
  const groups = byShard(indexes, shards, (index) => events[index]!.userAuthorizationId);
  const outcome: EventsRecorded = { failed: new Set(), rereads: [], fresh: 0 };
  // Counted where the feed says what is new: a notification sent again is counted once.
  const received: Increment[] = [];
  await Promise.all(
    [...groups].map(async ([shard, indexes]) => {
      const items = indexes.map((index): WebhookInput => {
        const { kind, notificationId, userAuthorizationId, receivedAt } = events[index]!;
        // The budget of the settings this consumer runs with, split over the shards,
        // each of which keeps its own window: together they keep the setting's.
        const unconfirmedBudget = Math.ceil(config.unconfirmedRereadsPerMinute / shards);
        return { kind, notificationId, userAuthorizationId, receivedAt, unconfirmedBudget };
      });
      try {
        const { value: recorded } = await feedShard(env, shard).recordBatch(items);
        recorded.forEach((one, i) => {
          const item = items[i]!;
          if (!one.duplicate && !one.dropped) outcome.fresh++;
          if (!one.duplicate) received.push([`webhooks.received:${item.kind}`, 1]);
          // The feed took the lease at the notification's time (`record` does the same).
          if (one.reread) {
            outcome.rereads.push({
              userAuthorizationId: item.userAuthorizationId,
              startedAt: item.receivedAt,
            });
          }
        });
      } catch (error) {
        for (const index of indexes) outcome.failed.add(index);
        logLine('error', 'queue', {
          what: 'shard did not record its notifications',
          shard,
          count: indexes.length,
          error: errorName(error),
        });
      }
    }),
  );
  await countNow(env, received);
  return outcome;
}

/**
 * Records a `file.created` notification in the home shard; a path RECON_ALLOWED_HOSTS
 * refuses is reported lost at once. `claim`: the file, for the caller to process.
 */
export async function recordReconFile(
  env: Env,
  config: Config,
  recon: ReconMessage,
): Promise<{ duplicate: boolean; claim: ReconClaim | null; late: number }> {
  const { notificationId, fileType, path, requestedAt, receivedAt } = recon;
  const { value } = await feedOf(env).recordRecon({
    notificationId,
    fileType,
    path,
    requestedAt,
    period: periodOf(path, requestedAt),
    receivedAt,
    // Checked before anything is fetched: a path we may not fetch is reported lost at once.
    refused: refusalOf(path, config.reconAllowedHosts),
  });
  // A file is received once; late when it closes a day reported overdue.
  if (!value.duplicate)
    await countNow(env, [
      ['webhooks.received:recon', 1],
      [value.late > 0 ? 'recon.files:late' : 'recon.files:received', 1],
    ]);
  return value;
}

/** What follows recording: the re-reads to queue, the recon files to read, whether to forward. */
export interface Recorded {
  rereads: readonly RereadClaim[];
  files: readonly ReconClaim[];
  /** Anything new was recorded: forward it (with MERCHANT_WEBHOOK_URL set). */
  fresh: boolean;
}

/**
 * The work after recording, in the caller's invocation: re-reads go to
 * REREADS, recon files are read within `reconMs` (a queue consumer has
 * minutes; a receiver's `waitUntil` 30 s), and new events are forwarded once.
 * Never throws: whatever is left, the users table and recon_files hold, and
 * the cron trigger takes it up.
 */
export async function afterRecording(
  env: Env,
  config: Config,
  recorded: Recorded,
  reconMs: number,
): Promise<void> {
  await background('queue re-reads', () => sendRereads(env, recorded.rereads));
  const budget = reconBudget(reconMs);
  for (const file of recorded.files) {
    const ended = await background('recon file', () =>
      processRecon(env, config, file, Date.now(), undefined, budget),
    );
    // Out of budget: the cron resumes this file and the ones after it.
    if (ended === 'paused') break;
  }
  if (recorded.fresh && config.merchantWebhook !== null) {
    await background('forward', () => forwardDue(env, config, Date.now(), FORWARD_NOW));
  }
}

/** Runs one piece of follow-up work; its failure is logged by name, and left to the cron. */
async function background<T>(what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    logLine('error', 'error', {
      what: `after recording: ${what}`,
      error: errorName(error),
    });
    return null;
  }
}
