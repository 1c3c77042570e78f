import type { RereadClaim, VerifiedInput } from '../feed/event-feed';
import { feedFor } from '../feed/stub';
import { logLine } from '../log';

/**
 * The feed learns of the linked user and of the session object holding its
 * KYC (a forget must find it): a re-read to run, and whether the user is
 * being forgotten. Not fatal, a shard refusing a changed FEED_SHARDS
 * included: the verification stands, and the feed learns of the user from
 * PayPay's webhooks and recon files anyway.
 */
export async function tellFeed(
  env: Env,
  verified: VerifiedInput,
): Promise<{ reread: RereadClaim | null; forgetting: boolean }> {
  try {
    // The user's shard: its row, sessions and KV copy live there.
    const told = await feedFor(env, verified.userAuthorizationId).verified(verified);
    return told.value;
  } catch (error) {
    logLine('error', 'error', {
      what: 'verification not recorded in the feed',
      error: error instanceof Error ? error.name : typeof error,
    });
    return { reread: null, forgetting: false };
  }
}
