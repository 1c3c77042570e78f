import type { UserState } from '../../shared/feed';
import { putUserState } from './user-state';
import { recentEventsOf } from './events-table';
import { RECENT_PER_KIND, userStateOf } from './format';
import { markCopied, usersToCopy, waitingForCopy } from './kv-copy-table';
import { FEED_TIMING as T } from './timing';
import { userRow } from './users-table';

/**
 * The copy of users' state to KV, and the alarm that runs it. One writer, one
 * write per user at a time and at most one per second per key, as KV allows
 * (docs/storage.md). The object's alarm is its only trigger; `schedule` arms it
 * after a change.
 */
export class KvCopy {
  private flushing: Promise<number> | null = null;
  /** The alarm this instance set and that has not fired: saves two storage calls per webhook. */
  private alarmAt: number | null = null;
  /**
   * Whether `alarmAt` is the whole truth: false until this instance has seen
   * its alarm fire (an alarm set before the object last started may be
   * pending); from then on only this instance sets it, so none is read back.
   */
  private alarmKnown = false;
  /** When this object last began serving a request (a webhook, a feed page). */
  private lastRequestAt = 0;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly kv: KVNamespace,
  ) {}

  /** Copies changed users to KV, single-flight. Returns how many stay unwritten. */
  async flush(): Promise<number> {
    while (this.flushing) await this.flushing;
    this.flushing = this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Resolves once no copy is being written (a forget deletes the key after it). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => 0);
  }

  /** Arms the alarm when users wait for their copy; returns how many wait. */
  async kick(): Promise<number> {
    const waiting = waitingForCopy(this.storage.sql);
    if (waiting.n > 0) await this.armAlarm(Date.now());
    return waiting.n;
  }

  /**
   * A request is being served: a copy under way gives way to it between
   * batches. Copies are background work; acknowledgements and feed pages are not.
   */
  noteRequest(): void {
    this.lastRequestAt = Date.now();
  }

  /** A change at `now`: the copy runs shortly after, coalescing a burst of changes. */
  async schedule(now: number): Promise<void> {
    await this.armAlarm(now + T.flushDelayMs);
  }

  /** The object's alarm fired. */
  async alarm(): Promise<void> {
    this.alarmAt = null;
    this.alarmKnown = true;
    await this.flush();
  }

  /**
   * Copies due users in batches: a batch's states are read at once, written to
   * KV concurrently, and marked copied in one transaction (one commit, not one
   * per user). A batch that fails is copied again later: each write is a whole
   * snapshot, so repeating one changes nothing. When requests came in during
   * a batch, the copy pauses as long as the batch took: under load, copies
   * take at most about half of the object's time, and run at full speed
   * otherwise.
   */
  private async flushOnce(): Promise<number> {
    const sql = this.storage.sql;
    const deadline = Date.now() + T.flushBudgetMs;
    for (;;) {
      const now = Date.now();
      if (now > deadline) break;
      const batch = usersToCopy(sql, now - T.kvWriteGapMs, T.flushBatch);
      if (batch.length === 0) break;
      const states = batch.map(({ uaid }) => this.userState(uaid));
      await Promise.all(states.map((state) => putUserState(this.kv, state)));
      this.storage.transactionSync(() => markCopied(sql, batch, Date.now()));
      // A short batch took every user due: those changed meanwhile wait for the alarm below.
      if (batch.length < T.flushBatch) break;
      // Let webhooks and feed reads in between batches: they must not wait for a big copy.
      const pause = this.lastRequestAt >= now ? Date.now() - now : 0;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const waiting = waitingForCopy(sql);
    if (waiting.n > 0) await this.armAlarm((waiting.next ?? 0) + T.kvWriteGapMs);
    return waiting.n;
  }

  private userState(uaid: string): UserState {
    const sql = this.storage.sql;
    return userStateOf(userRow(sql, uaid), recentEventsOf(sql, uaid, RECENT_PER_KIND * 3));
  }

  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    const current = this.alarmKnown ? this.alarmAt : await this.storage.getAlarm();
    if (current === null || current > at) {
      await this.storage.setAlarm(at);
      this.alarmAt = at;
    } else {
      this.alarmAt = current;
    }
  }
}
