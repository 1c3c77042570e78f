import { configOf } from './settings/config';
import { logLine } from './log';
import { runScheduled } from './cron';
import { consumeBatch } from './queues/consumer';
import { newContext } from './http/context';
import { router } from './router';

export { EventFeed } from './feed/event-feed';
export { CreationRateLimiter } from './http/rate-limit';
export { MetricsLog } from './metrics/log';
export { ReceiptLog } from './receipts/log';
export { VerificationSession } from './session/verification-session';

/**
 * The merchant's Worker: wiring only. The way through is worker/http/pipeline.ts;
 * the queues' consumers are in worker/queues/.
 */
export default {
  fetch(request, env, ctx): Promise<Response> {
    return router.fetch(request, env, ctx, newContext(env, request));
  },

  /**
   * Every minute: recon retries, due re-reads, forwarding retries, KV copies.
   * No request, so no host: development rules only if CALLBACK_URL is loopback.
   */
  async scheduled(controller, env): Promise<void> {
    const startedAt = Date.now();
    const summary = await runScheduled(env, configOf(env), controller.scheduledTime);
    logLine('log', 'cron', {
      cron: controller.cron,
      ms: Date.now() - startedAt,
      ...summary,
    });
  },

  /** INGEST (notifications to record), its dead-letter queue, and REREADS (re-reads of PayPay). */
  async queue(batch, env): Promise<void> {
    await consumeBatch(batch, env);
  },
} satisfies ExportedHandler<Env>;
