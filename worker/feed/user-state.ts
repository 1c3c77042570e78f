import type { UserState } from '../../shared/feed';
import { kvKeys } from './kv-keys';

/**
 * Writes a user's state. Only the event feed object calls this, one write per
 * user at a time and at most one per second per key (KV's limit), so a later
 * state never lands before an earlier one.
 */
export async function putUserState(kv: KVNamespace, state: UserState): Promise<void> {
  await kv.put(kvKeys.user(state.userAuthorizationId), JSON.stringify(state));
}

/** A user's state as last written, or null; may be up to a minute old at another location. */
export async function getUserState(
  kv: KVNamespace,
  userAuthorizationId: string,
): Promise<UserState | null> {
  const state = await kv.get<Partial<UserState>>(kvKeys.user(userAuthorizationId), 'json');
  if (state === null) return null;
  // Copies written before these fields existed carry none until the user next changes.
  return { authorization: null, verifiedAt: null, forget: null, ...state } as UserState;
}
