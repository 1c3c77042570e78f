import { errorName, logLine } from '../log';
import { RECON_LIMITS } from '../recon/process';
import type { ReconClaim } from '../recon/table';
import { configOf, type Config } from '../settings/config';
import { parkBatch } from './dead-letters';
import { afterRecording, recordEvents, recordReconFile } from './ingest';
import {
  parseBody,
  type EventMessage,
  type ReconMessage,
  type Received,
  type RereadMessage,
} from './messages';
import { consumeRereads } from './rereads';

/**
 * The Worker's `queue` handler: a batch of the dead-letter queue (its name
 * ends in `-dlq`, whatever the merchant called the queues) is parked; any
 * other batch is split by what its messages carry: notifications to record,
 * re-reads to make. A body none of our versions sent is acked and logged,
 * never allowed to fail the batch. No settings check: a message is work
 * already accepted, and each step refuses for itself what it cannot do.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith('-dlq')) return parkBatch(batch, env);
  const config = configOf(env);
  const events: Received<EventMessage>[] = [];
  const files: Received<ReconMessage>[] = [];
  const rereads: Received<RereadMessage>[] = [];
  for (const message of batch.messages) {
    const body = parseBody(message.body);
    if (body === null) {
      logLine('warn', 'queue', {
        what: 'malformed message acked',
        queue: batch.queue,
        messageId: message.id,
      });
      message.ack();
    } else if (body.t === 'event') events.push({ message, body });
    else if (body.t === 'recon') files.push({ message, body });
    else rereads.push({ message, body });
  }
  if (rereads.length > 0) await consumeRereads(rereads, env, config);
  if (events.length + files.length > 0) await consumeIngest(events, files, env, config);
}

/**
 * INGEST's consumer: the batch's event notifications recorded shard by shard
 * (one call each, in parallel), acked where their shard recorded them and
 * retried where it threw; recon notifications recorded in the home shard.
 * Then, in this invocation (minutes of wall time, where a receiver's
 * `waitUntil` has 30 s): the re-reads handed out go to REREADS, the recon
 * files are read, and new events are forwarded.
 */
async function consumeIngest(
  events: readonly Received<EventMessage>[],
  files: readonly Received<ReconMessage>[],
  env: Env,
  config: Config,
): Promise<void> {
  const recorded = await recordEvents(
    env,
    config,
    events.map(({ body }) => body),
  );
  events.forEach(({ message }, index) => {
    if (recorded.failed.has(index)) message.retry({ delaySeconds: retryDelaySeconds(message) });
    else message.ack();
  });
  let fresh = recorded.fresh > 0;
  const claims: ReconClaim[] = [];
  for (const { message, body } of files) {
    try {
      const { duplicate, claim } = await recordReconFile(env, config, body);
      message.ack();
      fresh ||= !duplicate;
      if (claim !== null) claims.push(claim);
    } catch (error) {
      logLine('error', 'queue', { what: 'recon file not recorded', error: errorName(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message) });
    }
  }
  await afterRecording(
    env,
    config,
    { rereads: recorded.rereads, files: claims, fresh },
    RECON_LIMITS.cronMs,
  );
}

/**
 * A message whose shard failed comes again at once the first time (a shard
 * restarting), then after 10 s doubling up to 5 min: INGEST's 10 retries
 * span about 25 minutes before the dead-letter queue takes it.
 */
export function retryDelaySeconds(message: Message<unknown>): number {
  return message.attempts <= 1 ? 0 : Math.min(10 * 2 ** (message.attempts - 2), 300);
}
