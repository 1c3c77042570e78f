import { feedOf } from '../feed/stub';
import { fail, pass, type CheckRow } from './row';

/**
 * The `ingest` row: no notification waits among the dead letters, the ones
 * INGEST's consumer gave up on after every retry and parked in the feed. It
 * fails while any is parked: each is a notification PayPay was told we have.
 */
export async function ingestRow(env: Env): Promise<CheckRow> {
  let parked: number;
  try {
    parked = (await feedOf(env).deadLetterCount()).value;
  } catch {
    return fail(
      'ingest',
      'The feed could not say whether notifications wait among the dead letters.',
      "look at the Worker's error lines for the feed object, then run the doctor again.",
    );
  }
  if (parked === 0) {
    return pass(
      'ingest',
      'Every queued notification was recorded: none waits among the dead letters.',
    );
  }
  return fail(
    'ingest',
    `${parked} notification${parked === 1 ? ' was' : 's were'} not recorded after every retry and wait in the feed (GET /v1/dead-letters).`,
    "find why in the Worker's error lines, then replay them: paypay-kyc dead-letters --replay.",
  );
}
