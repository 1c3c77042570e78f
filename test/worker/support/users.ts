import { runInDurableObject } from 'cloudflare:test';
import { expect } from 'vitest';
import type { UserState } from '../../../shared/feed';
import { completedSession } from './flow';
import { sandboxAdmin } from './sandbox';
import { bearer, call, eventBody, feed, postWebhook, settle } from './webhooks';

/** A user verified through the phone flow, its KYC still waiting for the exchange. */
export async function verifiedUser(): Promise<{ uaid: string; resultToken: string }> {
  const { resultToken } = await completedSession();
  const { value: uaid } = await feed().latestVerifiedUser();
  expect(uaid).not.toBeNull();
  // The first re-read (standing and authorization) runs after the phone's page.
  await until(async () => (await stateOf(uaid!))?.authorization != null);
  return { uaid: uaid!, resultToken };
}

/** The user's state after the KV copy, or null when the Worker knows no such user. */
export async function stateOf(uaid: string): Promise<UserState | null> {
  await settle();
  const response = await call(`/v1/users/${uaid}`, { headers: bearer });
  return response.status === 200 ? response.json<UserState>() : null;
}

/** Waits for `check` to hold, up to about five seconds. */
export async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
}

/** `DELETE /v1/users/:uaid`, with the merchant bearer unless told otherwise. */
export function forget(uaid: string, headers: Record<string, string> = bearer): Promise<Response> {
  return call(`/v1/users/${encodeURIComponent(uaid)}`, { method: 'DELETE', headers });
}

/** Moves the user's expiry at PayPay, then hints a re-read so the Worker reads it. */
export async function expireAt(uaid: string, at: number): Promise<void> {
  const response = await sandboxAdmin('PUT', `/users/${uaid}/authorization`, {
    expireAt: Math.floor(at / 1000),
  });
  expect(response.status).toBe(200);
  // A re-read runs at most once a minute per user: clear the throttle for the test.
  await runInDurableObject(feed(), (_o, state) => {
    state.storage.sql.exec(
      'UPDATE users SET reread_started_at = NULL, reread_due_at = NULL WHERE uaid = ?',
      uaid,
    );
  });
  expect((await postWebhook('kyc', eventBody('kyc', uaid))).status).toBe(200);
}

/** Every row of every table of the feed object that mentions `text`. */
export async function feedRowsWith(text: string): Promise<string[]> {
  return runInDurableObject(feed(), (_o, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
      )
      .toArray()
      .map((t) => t.name);
    return tables.flatMap((table) =>
      sql
        .exec(`SELECT * FROM "${table}"`)
        .toArray()
        .map((row) => `${table}: ${JSON.stringify(row)}`)
        .filter((row) => row.includes(text)),
    );
  });
}
