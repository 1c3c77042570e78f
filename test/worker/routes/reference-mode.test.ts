import { describe, expect, it } from 'vitest';
import type { UserState } from '../../../shared/feed';
import { arrive, exchange, MERCHANT_TOKEN, phone, postSession, worker } from '../support/flow';
import { bearer, call, settle } from '../support/webhooks';

// Issue 20: a public session's referenceId is chosen by the browser, so the
// user's authorization says which kind of session gave it (`referenceIdMode`).

/** Creates a session (from a browser, or the merchant's server), completes it and exchanges it. */
async function verify(
  mode: 'public' | 'merchant',
  body: Record<string, unknown>,
): Promise<{ uaid: string; exchanged: { mode: string; referenceId: string | null } }> {
  const created =
    mode === 'public'
      ? await postSession(body)
      : await worker('/v1/sessions', {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${MERCHANT_TOKEN}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
        });
  expect(created.status).toBe(201);
  const { sessionId, qrUrl } = await created.json<{ sessionId: string; qrUrl: string }>();
  await arrive((await phone(qrUrl, 'complete'))!);
  const view = await (await worker(`/v1/sessions/${sessionId}`)).json<{ resultToken: string }>();
  const exchanged = await (
    await exchange(view.resultToken)
  ).json<{
    userAuthorizationId: string;
    mode: string;
    referenceId: string | null;
  }>();
  return { uaid: exchanged.userAuthorizationId, exchanged };
}

/** GET /v1/users/:id once the authorization has been read after the verification. */
async function authorizationOf(uaid: string): Promise<NonNullable<UserState['authorization']>> {
  for (let i = 0; i < 50; i++) {
    await settle();
    const response = await call(`/v1/users/${uaid}`, { headers: bearer });
    const state = response.status === 200 ? await response.json<UserState>() : null;
    if (state?.authorization) return state.authorization;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the authorization was never read');
}

describe('authorization.referenceIdMode', () => {
  it('says public for a referenceId the browser chose', async () => {
    const { uaid, exchanged } = await verify('public', { referenceId: 'chosen-by-a-browser' });
    expect(exchanged).toMatchObject({ mode: 'public', referenceId: 'chosen-by-a-browser' });
    expect(await authorizationOf(uaid)).toMatchObject({
      referenceId: 'chosen-by-a-browser',
      referenceIdMode: 'public',
    });
  });

  it('says merchant for a referenceId the merchant server set', async () => {
    const { uaid } = await verify('merchant', { referenceId: 'customer-0042' });
    expect(await authorizationOf(uaid)).toMatchObject({
      referenceId: 'customer-0042',
      referenceIdMode: 'merchant',
    });
  });

  it('is null with no referenceId', async () => {
    const { uaid } = await verify('public', {});
    expect(await authorizationOf(uaid)).toMatchObject({
      referenceId: null,
      referenceIdMode: null,
    });
  });
});
