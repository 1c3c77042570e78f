// `paypay-kyc-passport/worker`: the Worker and its Durable Object classes, for a
// merchant's own Worker project (docs/deploy.md, "Your own repository: three
// files"). Written by hand, published as dist/worker/index.d.ts by
// scripts/build-worker.mjs; test/worker/public-types.ts checks that the real
// exports (worker/index.ts) fit it.
//
// It needs the Workers runtime types (`wrangler types`), as any Worker project
// in TypeScript has. The environment is typed loosely: the Worker checks its
// own bindings and settings at run time (`/healthz` names a missing one), so
// your generated `Env` fits whatever else it holds.
import { DurableObject } from 'cloudflare:workers';

/**
 * What the Worker is given as `env`: its bindings (`SESSIONS`, `RATE_LIMITER`,
 * `EVENT_FEED`, `RECEIPT_LOG`, `METRICS`, `KYC_KV`, the queues `INGEST` and `REREADS`) and its settings,
 * vars and secrets (docs/deploy.md).
 */
export type KycPassportEnv = object;

/**
 * The Worker: `fetch` answers every route, `scheduled` runs the every-minute
 * cron, `queue` consumes its queues (webhooks to record, their dead letters,
 * re-reads of PayPay).
 */
export interface KycPassportWorker<E extends object = KycPassportEnv> extends ExportedHandler<E> {
  fetch: ExportedHandlerFetchHandler<E>;
  scheduled: ExportedHandlerScheduledHandler<E>;
  queue: ExportedHandlerQueueHandler<E>;
}

declare const worker: KycPassportWorker;
export default worker;

/** One verification (binding `SESSIONS`, SQLite, migration `v1`). */
export declare class VerificationSession extends DurableObject<KycPassportEnv> {}

/** The per-client creation limit (binding `RATE_LIMITER`, SQLite, migration `v1`). */
export declare class CreationRateLimiter extends DurableObject<KycPassportEnv> {}

/** The merchant event feed, one object (binding `EVENT_FEED`, SQLite, migration `v2`). */
export declare class EventFeed extends DurableObject<KycPassportEnv> {}

/** The receipt log, one object a month (binding `RECEIPT_LOG`, SQLite, migration `v3`). */
export declare class ReceiptLog extends DurableObject<KycPassportEnv> {}

/** The counters of `GET /v1/metrics`, one object (binding `METRICS`, SQLite, migration `v4`). */
export declare class MetricsLog extends DurableObject<KycPassportEnv> {}
