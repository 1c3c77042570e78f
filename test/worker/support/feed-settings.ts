import { runInDurableObject } from 'cloudflare:test';
import { envWith, feed, type Overrides } from './webhooks';

/**
 * Gives the feed object settings of its own. The object reads its settings
 * (MERCHANT_WEBHOOK_URL: whether new events are queued for forwarding) from
 * its env, which a call's overrides do not reach: in a deployment both come
 * from the same vars. `{}` puts back the test settings.
 */
export async function setFeedSettings(overrides: Overrides): Promise<void> {
  await runInDurableObject(feed(), (instance) => {
    // A new env object, so configOf (cached per env object) parses it afresh.
    (instance as unknown as { env: Env }).env = envWith(overrides);
  });
}
