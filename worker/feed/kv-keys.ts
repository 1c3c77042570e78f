/**
 * Every Workers KV key of the Worker comes from here. The `v1:` prefix lets a
 * new layout live beside the old one; docs/storage.md lists each key, its
 * value, its TTL and why it is safe under KV's eventual consistency.
 */
export const kvKeys = {
  /** Per-user webhook / recon / re-read state (UserState JSON), written by the feed object only. */
  user: (userAuthorizationId: string) => `v1:user:${userAuthorizationId}`,
} as const;
