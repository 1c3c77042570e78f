import { ok } from '../../shared/result';
import type { ReconClaim, ReconFileInput, ReconSummary } from '../recon/table';
import type { AuthorizationRead } from './authorization-table';
import type { FeedFeatures } from './features';
import type { DeadLetter } from './features/dead-letters';
import type { Missed, RecordedRecon, ReconFileRef } from './features/recon';
import type { Verified, VerifiedInput } from './features/rereads';
import { copyFrom, type Recorded, type WebhookInput } from './features/webhooks';
import type { ForgetAttempt, ForgetStart } from './forget-table';
import { feedPage } from './format';
import { kvKeys } from './kv-keys';
import type { Delivery, DeliveryTry } from './outbox-table';
import type { StandingRead } from './reads';
import type { Done } from './feed-door';
import { FeedOperations } from './feed-operations';
import { MAX_FEED_SHARDS } from '../settings/values';
import type { ShardState } from './shard-guard';
import { FEED_TIMING as T } from './timing';
import type { RereadClaim } from './users-table';

export type { RereadClaim } from './users-table';
export type { StandingRead } from './reads';
export type { AuthorizationRead } from './authorization-table';
export type { ForgetAttempt, ForgetStart } from './forget-table';
export type { DeadLetter } from './features/dead-letters';
export type { ExportedUser } from './features/reshard';
export type { VerifiedInput } from './features/rereads';
export type { Recorded, WebhookInput } from './features/webhooks';

/**
 * One shard of the merchant event feed (FEED_SHARDS objects; shard 0, named
 * "feed", is also the home of recon files and dead letters), with SQLite
 * storage, and everything that must be exact about webhooks: each
 * notification id is recorded once (a UNIQUE column), each event gets the next
 * `seq` (the shard's cursor), and each user's state is merged here before KV
 * gets a copy. KV alone cannot do this: its `list` is eventually consistent
 * and concurrent read-modify-write of a key loses updates.
 *
 * The RPC interface only: each method goes through the one door (feed-door.ts:
 * the shard count check, one transaction, the KV copy's alarm) to a feature
 * module (features/), which holds the SQL.
 */
export class EventFeed extends FeedOperations {
  /** Records one notification: `recordBatch` of one. */
  async record(input: WebhookInput): Done<Recorded> {
    const [recorded] = (await this.recordBatch([input])).value;
    return ok(recorded!);
  }

  /**
   * Records a batch of notifications in one transaction, set-based
   * (features/webhooks.ts): one `Recorded` per item, in order. Durable when
   * this returns.
   */
  recordBatch(items: WebhookInput[]): Done<Recorded[]> {
    this.copy.noteRequest();
    const budget = this.settings().unconfirmedRereadsPerMinute;
    return this.change(
      (f) => f.webhooks.recordBatch(items, budget),
      (recorded) => copyFrom(items, recorded),
    );
  }

  /** Records a `file.created` notification; a refused path is reported lost at once. */
  recordRecon(input: ReconFileInput): Done<RecordedRecon> {
    return this.change((f) => f.recon.record(input));
  }

  /** Recon files whose next download attempt is due; those past PayPay's window are reported lost. */
  dueRecon(now: number, limit: number): Done<ReconClaim[]> {
    return this.change((f) => f.recon.due(now, limit));
  }

  /**
   * One batch of a recon file's ids (FEED_SHARDS=1): each id not seen by a
   * webhook of the file's kind during its period becomes a `recon.missed`
   * event, once. The KV copies wait for the file's end (`reconFinished`).
   */
  reconBatch(notificationId: string, offset: number, ids: string[], now: number): Done<Missed> {
    return this.change((f) => f.recon.batch(notificationId, offset, ids, now));
  }

  /** This shard's ids of a split batch: their misses, `recon_files` untouched (idempotent). */
  reconIds(file: ReconFileRef, ids: string[], now: number): Done<Missed> {
    this.copy.noteRequest();
    return this.change(
      (f) => f.recon.ids(file, ids, now),
      ({ missed }) => (missed > 0 ? Date.now() : null),
    );
  }

  /** Home shard: a split batch was recorded by every shard; the lease counts from the clock. */
  reconProgress(id: string, processed: number, missed: number, _now: number): Done<null> {
    return this.effect((f) => f.recon.progress(id, processed, missed));
  }

  /** A recon file fully processed: its users' KV copies start now, not batch by batch. */
  reconFinished(id: string, summary: ReconSummary, now: number): Done<null> {
    return this.effect((f) => f.recon.finished(id, summary, now), Date.now);
  }

  /** The invocation's share of a recon file is used: due again at once, resumed from `processed`. */
  reconPaused(id: string, now: number): Done<null> {
    return this.effect((f) => f.recon.paused(id, now), Date.now);
  }

  /** A failed download or unusable file; batches recorded before it wait for their KV copy. */
  reconFailed(id: string, reason: string, now: number): Done<'retry' | 'lost'> {
    return this.change((f) => f.recon.failed(id, reason, now), Date.now);
  }

  /** Events after `after`, oldest first, as the `FeedPage`'s JSON text (format.ts). */
  page(after: number, limit: number): Done<string> {
    this.copy.noteRequest();
    return this.change(() => feedPage(this.ctx.storage.sql, after, limit));
  }

  /** Users whose re-read is due and not taken, leased to the caller (confirmed ones first). */
  dueRereads(now: number, limit: number, unconfirmedBudget?: number): Done<RereadClaim[]> {
    const budget = unconfirmedBudget ?? this.settings().unconfirmedRereadsPerMinute;
    return this.change((f) => f.rereads.due(now, limit, budget));
  }

  /** Stores a re-read's answer; a changed standing becomes a `standing.changed` event (true). */
  async recordStanding(claim: RereadClaim, read: StandingRead, now: number): Done<boolean> {
    const stored = (f: FeedFeatures) => f.rereads.recordStanding(claim, read, now);
    const { value } = await this.change(stored, (r) => (r === 'skipped' ? null : now));
    return ok(value === 'changed');
  }

  /** A verification completed: the user is known, and a re-read is due (features/rereads.ts). */
  verified(input: VerifiedInput): Done<Verified> {
    return this.change(
      (f) => f.rereads.verified(input),
      (linked) => (linked.forgetting ? null : input.now),
    );
  }

  /** Stores a read of PayPay's authorization; an expiry PayPay reports may owe an event now. */
  recordAuthorization(uaid: string, read: AuthorizationRead, now: number): Done<null> {
    const stored = (f: FeedFeatures) => f.authorizations.record(uaid, read, now);
    return this.effect(stored, (changed) => (changed ? now : null));
  }

  /** Appends the authorization expiry events now due (the cron); how many. */
  authorizationNotices(now: number, windowMs: number, limit: number): Done<number> {
    return this.change(
      (f) => f.authorizations.notices(now, windowMs, limit),
      (n) => (n > 0 ? now : null),
    );
  }

  /** The most recently verified user (the doctor reads its authorization); null before any. */
  async latestVerifiedUser(): Done<string | null> {
    return ok((await this.latestVerified()).value?.userAuthorizationId ?? null);
  }

  /** The most recently verified user, and when. */
  latestVerified(): Done<{ userAuthorizationId: string; verifiedAt: number } | null> {
    return this.change((f) => f.authorizations.latestVerified());
  }

  /** Starts forgetting a user; the first attempt is leased to the caller. */
  startForget(uaid: string, requestId: string, now: number): Done<ForgetStart> {
    return this.change(
      (f) => f.forgets.start(uaid, requestId, now),
      (start) => (start.state === 'started' ? now : null),
    );
  }

  /** Forgets whose next attempt is due, leased to the caller (the cron). */
  dueForgets(now: number, limit: number): Done<ForgetAttempt[]> {
    return this.change((f) => f.forgets.due(now, limit));
  }

  /** An attempt failed: retried with backoff, the reason in the user's state. */
  forgetFailed(uaid: string, error: string, requestId: string | null, now: number): Done<null> {
    return this.effect(
      (f) => f.forgets.failed(uaid, error, requestId, now),
      () => now,
    );
  }

  /**
   * Unlinked and cleared: the KV copy is deleted, then the row, leaving the
   * hash and one `user.forgotten`. The row stops being copied first and any
   * copy in flight is waited for, so no write of it can land after the
   * delete; should the delete fail, the lease makes the cron try again.
   */
  async finishForget(uaid: string, now: number): Done<boolean> {
    if (!this.run((f) => f.forgets.stopCopying(uaid, now))) return ok(false);
    await this.copy.idle();
    await this.env.KYC_KV.delete(kvKeys.user(uaid));
    return ok(this.run((f) => f.forgets.finish(uaid, now)));
  }

  /** Outbox entries due for forwarding, leased to the caller. */
  dueDeliveries(now: number, limit: number): Done<Delivery[]> {
    return this.change((f) => f.outbox.due(now, limit));
  }

  /** What forwarding attempts did: delivered ones leave the outbox, others back off. */
  settleDeliveries(tries: DeliveryTry[], now: number): Done<null> {
    return this.effect((f) => f.outbox.settle(tries, now));
  }

  /** Home shard: parks the ingest queue's dead letters (new ids only), with one feed event. */
  parkDeadLetters(letters: DeadLetter[], now: number): Done<{ parked: number }> {
    return this.change((f) => f.deadLetters.park(letters, now));
  }

  /** The parked dead letters, oldest first. */
  deadLetters(limit: number): Done<(DeadLetter & { parkedAt: number })[]> {
    return this.change((f) => f.deadLetters.list(limit));
  }

  /** Removes parked dead letters (replayed or dropped): how many were there. */
  removeDeadLetters(ids: string[]): Done<number> {
    return this.change((f) => f.deadLetters.remove(ids));
  }

  /** How many dead letters are parked. */
  deadLetterCount(): Done<number> {
    return this.change((f) => f.deadLetters.count());
  }

  /** Copies changed users to KV (kv-copy.ts). Returns how many stay unwritten. */
  async flush(): Done<number> {
    this.guard.check();
    return ok(await this.copy.flush());
  }

  /** Arms the alarm when users wait for their KV copy (the cron's backstop). */
  async kickFlush(): Done<number> {
    this.guard.check();
    return ok(await this.copy.kick());
  }

  /**
   * Deletes what is past its time (features/retention.ts), in short
   * transactions that webhooks and reads fit between: feed events 10,000 a
   * run, then recon files and hashes, then unconfirmed users, KV copy first (a
   * row kept by a hint meanwhile has a newer version, so it is copied again).
   */
  async prune(now: number): Done<null> {
    const before = now - this.settings().feedRetentionDays * 86_400_000;
    for (let share = 0; share < T.pruneChunks; share++) {
      if (this.run((f) => f.retention.events(before)) < T.pruneChunk) break;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.run((f) => f.retention.bookkeeping(now));
    const expired = this.run((f) => f.retention.expired(now));
    await Promise.all(expired.map((uaid) => this.env.KYC_KV.delete(kvKeys.user(uaid))));
    return this.effect((f) => f.retention.dropExpired(expired, now));
  }

  /** Where the shard count check stands; never refused. */
  async shardState(): Done<ShardState> {
    return ok(this.guard.state());
  }

  /** Reshard: up to `limit` of this shard's users that belong elsewhere among `to`, as JSON. */
  async exportUsers(index: number, to: number, limit: number): Done<string> {
    return ok(this.unguarded((f) => f.reshard.export(index, to, limit)));
  }

  /** Reshard: inserts the users another shard exported (idempotent); how many. */
  async importUsers(json: string, now: number): Done<number> {
    this.guard.adopt();
    const n = this.unguarded((f) => f.reshard.import(json));
    if (n > 0) await this.copy.schedule(now);
    return ok(n);
  }

  /** Reshard: deletes the rows of users now held by another shard (their events stay). */
  async dropUsers(uaids: string[]): Done<number> {
    return ok(this.unguarded((f) => f.reshard.drop(uaids)));
  }

  /** Reshard: the hashes of ids forgotten here, as JSON, for every new shard (no id says which). */
  async exportForgotten(): Done<string> {
    return ok(this.unguarded((f) => f.reshard.exportForgotten()));
  }

  /** Reshard: keeps the hashes another shard exported (idempotent); how many were new. */
  async importForgotten(json: string): Done<number> {
    return ok(this.unguarded((f) => f.reshard.importForgotten(json)));
  }

  /** Reshard: records `n` as this object's shard count; the check then compares with it. */
  async setShards(n: number): Done<null> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_FEED_SHARDS) throw new RangeError('shard count');
    this.unguarded((f) => {
      f.reshard.reset();
      this.guard.set(n);
    });
    return ok(null);
  }
}
