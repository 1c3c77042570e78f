import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { SessionRecord } from '../../../worker/session/record';

/**
 * Expires a session the way time would, without moving the clock: its QR's
 * expiry goes into the past, then its alarm runs. Answers whether an alarm ran.
 */
export async function expireSession(stub: DurableObjectStub): Promise<boolean> {
  await runInDurableObject(stub, async (instance, state) => {
    const record = (await state.storage.get<SessionRecord>('session'))!;
    const expired = { ...record, expiresAt: Date.now() - 1 };
    await state.storage.put('session', expired);
    (instance as unknown as { record: SessionRecord }).record = expired;
  });
  return runDurableObjectAlarm(stub);
}
