import type { SessionRecord } from '../session/record';
import { countAllLater, countLater, type Waiter } from './count';

/** Where a session object keeps that a reader has seen it (storage's key-value side). */
const SHOWN_KEY = 'metrics-shown';

/**
 * Counts a session's move to a new status: `sessions.<status>` by mode, a
 * failure by its reason, and a completion's creation-to-completion seconds.
 * Only real moves: the caller passes the record before and after.
 */
export function countMove(
  env: Env,
  waiter: Waiter,
  before: SessionRecord,
  after: SessionRecord,
): void {
  if (after.status === before.status) return;
  const { status, mode } = after;
  if (status === 'failed') countLater(env, waiter, 'sessions.failed', after.failure ?? 'UNKNOWN');
  else if (status === 'completed') {
    const seconds = ((after.completedAt ?? Date.now()) - after.createdAt) / 1000;
    countAllLater(env, waiter, [[`sessions.completed:${mode}`, 1]], [seconds]);
  } else if (status !== 'pending') countLater(env, waiter, `sessions.${status}`, mode);
}

/** Counts a session's creation, by mode. */
export function countCreated(env: Env, waiter: Waiter, record: SessionRecord): void {
  countLater(env, waiter, 'sessions.created', record.mode);
}

/**
 * Counts the first time a reader is shown a pending session (its QR or
 * button), once per session: the mark is kept beside the record and goes
 * with it.
 */
export async function countShown(
  env: Env,
  state: DurableObjectState,
  record: SessionRecord | null,
): Promise<void> {
  if (record === null || record.status !== 'pending') return;
  if ((await state.storage.get(SHOWN_KEY)) !== undefined) return;
  await state.storage.put(SHOWN_KEY, true);
  countLater(env, state, 'sessions.shown', record.mode);
}
