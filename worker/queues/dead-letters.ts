import { feedOf } from '../feed/stub';
import { errorName, logLine } from '../log';
import { parseBody, type IngestMessage } from './messages';

/** Messages one `sendBatch` may carry (Queues' limit). */
const SEND_BATCH = 100;

/**
 * The dead-letter queue's consumer: INGEST's messages that failed every retry
 * are parked in the home shard (which appends one `ingest.dead_lettered` event
 * when any is new), to be listed and replayed by the merchant. Should the
 * home shard refuse them too, the batch is retried: the DLQ's own retries
 * (wrangler.jsonc) are the last stop, so they are many and slow.
 */
export async function parkBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const letters = batch.messages.map((message) => ({
    id: message.id,
    body: JSON.stringify(message.body) ?? 'null',
    attempts: message.attempts,
  }));
  try {
    const { value } = await feedOf(env).parkDeadLetters(letters, Date.now());
    // Counts only: the bodies hold user ids.
    logLine('warn', 'queue', {
      what: 'notifications dead-lettered',
      count: letters.length,
      parked: value.parked,
    });
    batch.ackAll();
  } catch (error) {
    logLine('error', 'queue', { what: 'dead letters not parked', error: errorName(error) });
    batch.retryAll({ delaySeconds: 60 });
  }
}

/** One parked notification as `GET /v1/dead-letters` lists it. */
export interface DeadLetterView {
  id: string;
  attempts: number;
  parkedAt: string;
  /** What the message carries, when its body is one of ours (null otherwise). */
  kind: string | null;
  notificationId: string | null;
  userAuthorizationId?: string;
  fileType?: string;
}

/** The oldest `limit` parked notifications, and how many are parked in all. */
export async function listDeadLetters(
  env: Env,
  limit: number,
): Promise<{ deadLetters: DeadLetterView[]; count: number }> {
  const feed = feedOf(env);
  const [{ value: letters }, { value: count }] = await Promise.all([
    feed.deadLetters(limit),
    feed.deadLetterCount(),
  ]);
  const deadLetters = letters.map((letter): DeadLetterView => {
    const body = ingestBodyOf(letter.body);
    return {
      id: letter.id,
      attempts: letter.attempts,
      parkedAt: new Date(letter.parkedAt).toISOString(),
      kind: body?.kind ?? null,
      notificationId: body?.notificationId ?? null,
      ...(body?.t === 'event' ? { userAuthorizationId: body.userAuthorizationId } : {}),
      ...(body?.t === 'recon' ? { fileType: body.fileType } : {}),
    };
  });
  return { deadLetters, count };
}

/** What a replay did: sent back to INGEST (and unparked), left parked as unreadable, still parked. */
export interface Replayed {
  replayed: number;
  skipped: number;
  remaining: number;
}

/**
 * Sends up to `limit` parked notifications back to INGEST, oldest first, and
 * unparks each chunk once its send resolved (durable): a failure half-way
 * leaves the rest parked, nothing is lost, and a notification sent twice is
 * recorded once. A body that is not one of our ingest messages stays parked
 * (`skipped`): replaying it could only fail again. Throws when not one chunk
 * could be sent.
 */
export async function replayDeadLetters(env: Env, limit: number): Promise<Replayed> {
  const feed = feedOf(env);
  const { value: letters } = await feed.deadLetters(limit);
  const readable = letters.flatMap((letter) => {
    const body = ingestBodyOf(letter.body);
    return body === null ? [] : [{ id: letter.id, body }];
  });
  let replayed = 0;
  for (let i = 0; i < readable.length; i += SEND_BATCH) {
    const chunk = readable.slice(i, i + SEND_BATCH);
    try {
      await env.INGEST.sendBatch(chunk.map(({ body }) => ({ body, contentType: 'json' as const })));
    } catch (error) {
      if (replayed === 0) throw error;
      break;
    }
    await feed.removeDeadLetters(chunk.map(({ id }) => id));
    replayed += chunk.length;
  }
  const { value: remaining } = await feed.deadLetterCount();
  return { replayed, skipped: letters.length - readable.length, remaining };
}

/** A parked body, when it is one of INGEST's messages. */
function ingestBodyOf(text: string): IngestMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const body = parseBody(json);
  return body === null || body.t === 'reread' ? null : body;
}
