/** The one event feed object: every webhook, recon file and feed read goes through it. */
export function feedOf(env: Env): DurableObjectStub<import('./event-feed').EventFeed> {
  return env.EVENT_FEED.get(env.EVENT_FEED.idFromName('feed'));
}
