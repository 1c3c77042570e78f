import { claimSeqRange, shardIndexOfName } from './seq-range';
import { DurableObject } from 'cloudflare:workers';
import { ok, type Result } from '../../shared/result';
import { configOf, type Config } from '../settings/config';
import { feedFeatures, type FeedFeatures } from './features';
import { KvCopy } from './kv-copy';
import { migrate } from './migrations';
import { ShardGuard } from './shard-guard';
import { feedShardCount } from './shard-of';
import { shardMetrics, type ShardMetrics } from './metrics-reads';

/** What every RPC method of the feed object answers. */
export type Done<R> = Promise<Result<R, never>>;

/**
 * The feed object's one door, beneath its RPC methods (event-feed.ts). It
 * builds the feature modules over one SQL handle and one `Appender`, and every
 * method goes through `run`: the shard count check, then the feature's change
 * as one `transactionSync`, atomic whatever the code around it awaits; then
 * `change` arms the KV copy's alarm when the change left users to copy. As in
 * workers-oauth-provider's Durable Object storage (`execute`: each command in
 * one `transactionSync`, the cleanup alarm scheduled after), no method touches
 * storage any other way, so none can forget the check or the transaction.
 */
export abstract class FeedDoor extends DurableObject<Env> {
  protected readonly features: FeedFeatures;
  protected readonly guard: ShardGuard;
  protected readonly copy: KvCopy;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage);
    claimSeqRange(ctx.storage, shardIndexOfName(ctx.id.name));
    // Settings are read from `this.env` at each use, never kept (tests swap the env).
    this.features = feedFeatures(ctx.storage.sql, () => this.settings().merchantWebhook !== null);
    this.guard = new ShardGuard(ctx.storage.sql, () => feedShardCount(this.env));
    this.copy = new KvCopy(ctx.storage, env.KYC_KV);
  }

  /** Counts for `GET /v1/metrics` (metrics-reads.ts); recon files on the home shard only. */
  async metrics(now: number, recon: { from: string; to: string } | null): Done<ShardMetrics> {
    return ok(this.run(() => shardMetrics(this.ctx.storage.sql, now, recon)));
  }

  /** The copy to KV runs in the alarm, whatever the shard count check says: it only copies. */
  override async alarm(): Promise<void> {
    await this.copy.alarm();
  }

  /** The shard count check, then `work` as one SQLite transaction. */
  protected run<R>(work: (f: FeedFeatures) => R): R {
    this.guard.check();
    return this.ctx.storage.transactionSync(() => work(this.features));
  }

  /** `run`, then the KV copy's alarm when `copyAt` names the time of a change to copy. */
  protected async change<R>(
    work: (f: FeedFeatures) => R,
    copyAt?: (r: R) => number | null,
  ): Done<R> {
    const result = this.run(work);
    const at = copyAt?.(result) ?? null;
    if (at !== null) await this.copy.schedule(at);
    return ok(result);
  }

  /** `change` for a method that answers nothing. */
  protected async effect<R>(
    work: (f: FeedFeatures) => R,
    copyAt?: (r: R) => number | null,
  ): Done<null> {
    await this.change(work, copyAt);
    return ok(null);
  }

  /** The reshard methods' door: no shard count check, since they are how a changed count is met. */
  protected unguarded<R>(work: (f: FeedFeatures) => R): R {
    return this.ctx.storage.transactionSync(() => work(this.features));
  }

  protected settings(): Config {
    return configOf(this.env);
  }
}
