import type { RereadClaim, VerifiedInput } from '../feed/event-feed';
import { feedOf } from '../feed/stub';
import { logLine } from '../log';

/**
 * The feed learns of the linked user and of the session object holding its
 * KYC (a forget must find it): a re-read to run, and whether the user is
 * being forgotten. Not fatal: the verification stands, and the feed learns of
 * the user from PayPay's webhooks and recon files anyway.
 */
export async function tellFeed(
  env: Env,
  verified: VerifiedInput,
): Promise<{ reread: RereadClaim | null; forgetting: boolean }> {
  try {
    const told = await feedOf(env).verified(verified);
    return told.value;
  } catch (error) {
    logLine('error', 'error', {
      what: 'verification not recorded in the feed',
      error: error instanceof Error ? error.name : typeof error,
    });
    return { reread: null, forgetting: false };
  }
}
