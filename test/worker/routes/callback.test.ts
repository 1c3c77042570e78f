import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { arrive, newSession, ORIGIN, phone, worker, WORKER_ORIGIN } from '../support/flow';
import { fault, sandboxCalls } from '../support/sandbox';
import { signToken } from '../support/jwt';

async function statusOf(sessionId: string) {
  return (await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } })).json<{
    status: string;
    error?: { reason: string };
    resultToken?: string;
  }>();
}

/** The claims of the responseToken in PayPay's redirect (read, not verified). */
function claimsOf(location: URL): Record<string, unknown> {
  const payload = location.searchParams.get('responseToken')!.split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

async function pageOf(response: Response) {
  const html = await response.text();
  return {
    html,
    outcome: /data-outcome="([a-z]+)"/.exec(html)?.[1],
    lang: /<html lang="(ja|en)">/.exec(html)?.[1],
  };
}

describe('GET /v1/callback, then the page it sends the phone to', () => {
  it('completes the session: verifies the token, fetches KYC once, shows the phone a done page', async () => {
    const before = await sandboxCalls();
    const { sessionId, qrUrl } = await newSession({ lang: 'en' });
    const response = await arrive((await phone(qrUrl, 'complete'))!);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    const page = await pageOf(response);
    expect(page).toMatchObject({ outcome: 'completed', lang: 'en' });
    expect(page.html).toContain('Verification complete');
    const view = await statusOf(sessionId);
    expect(view.status).toBe('completed');
    expect(view.resultToken).toMatch(/^rt1\.[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
    const after = await sandboxCalls();
    // Two PayPay calls per completed verification: create, then fetch.
    expect(after.createQr! - before.createQr!).toBe(1);
    expect(after.fetchCompletedKyc! - before.fetchCompletedKyc!).toBe(1);
  });

  it.each([
    ['decline', 'declined'],
    ['bad_request', 'bad_request'],
    ['kyc_not_completed', 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 'CANCELED_USER'],
  ])(
    'ends the session as failed(%s -> %s), with a page in the session language',
    async (outcome, reason) => {
      const { sessionId, qrUrl } = await newSession({ lang: 'ja' });
      const response = await arrive((await phone(qrUrl, outcome))!);
      expect(response.status).toBe(200);
      const page = await pageOf(response);
      expect(page).toMatchObject({ outcome: 'failed', lang: 'ja' });
      expect(page.html).toContain('本人確認を完了できませんでした');
      expect(await statusOf(sessionId)).toEqual(
        expect.objectContaining({ status: 'failed', error: { reason } }),
      );
    },
  );

  it('fails the session as PAYPAY_UNAVAILABLE when the KYC fetch keeps failing after retries', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = (await phone(qrUrl, 'complete'))!;
    await fault({ operation: 'fetchCompletedKyc', fault: 'rate_limit' });
    const before = await sandboxCalls();
    try {
      const page = await pageOf(await arrive(location));
      expect(page.outcome).toBe('failed');
    } finally {
      await fault(null);
    }
    expect((await sandboxCalls()).fetchCompletedKyc! - before.fetchCompletedKyc!).toBe(3);
    expect(await statusOf(sessionId)).toMatchObject({
      status: 'failed',
      error: { reason: 'PAYPAY_UNAVAILABLE' },
    });
  });

  it('recovers from one 500 on the KYC fetch by retrying the read', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = (await phone(qrUrl, 'complete'))!;
    await fault({ operation: 'fetchCompletedKyc', fault: 'internal_error', times: 1 });
    try {
      expect((await pageOf(await arrive(location))).outcome).toBe('completed');
    } finally {
      await fault(null);
    }
    expect((await statusOf(sessionId)).status).toBe('completed');
  });

  it('handles a second callback harmlessly: same session state, no second KYC fetch', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = (await phone(qrUrl, 'complete'))!;
    await arrive(location);
    const before = await sandboxCalls();
    const again = await arrive(location);
    expect(again.status).toBe(200);
    expect((await pageOf(again)).outcome).toBe('already');
    expect((await sandboxCalls()).fetchCompletedKyc).toBe(before.fetchCompletedKyc);
    expect((await statusOf(sessionId)).status).toBe('completed');
  });

  it('handles two concurrent callbacks with one KYC fetch and one completion', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = (await phone(qrUrl, 'complete'))!;
    const before = await sandboxCalls();
    const pages = await Promise.all([arrive(location), arrive(location), arrive(location)]);
    const outcomes = await Promise.all(pages.map(async (p) => (await pageOf(p)).outcome));
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already')).toHaveLength(2);
    expect((await sandboxCalls()).fetchCompletedKyc! - before.fetchCompletedKyc!).toBe(1);
    expect((await statusOf(sessionId)).status).toBe('completed');
  });

  it.each([
    ['no token', ''],
    ['an empty token', '?responseToken='],
    ['garbage', '?responseToken=not.a.jwt'],
    ['an overlong token', `?responseToken=${'a'.repeat(5000)}`],
  ])('shows the invalid page (400) for %s', async (_, query) => {
    const response = await arrive(`${WORKER_ORIGIN}/v1/callback${query}`, {
      'Accept-Language': 'en-US',
    });
    expect(response.status).toBe(400);
    const page = await pageOf(response);
    expect(page).toMatchObject({ outcome: 'invalid', lang: 'en' });
    expect(page.html).not.toMatch(/Error:|at .*\.ts|stack/);
  });

  it('refuses a token signed with the wrong key, and leaves the session pending', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = new URL((await phone(qrUrl, 'complete'))!);
    const claims = claimsOf(location);
    const forged = await signToken(claims, { key: new TextEncoder().encode('guessed-key') });
    const response = await arrive(`${WORKER_ORIGIN}/v1/callback?responseToken=${forged}`);
    expect((await pageOf(response)).outcome).toBe('invalid');
    expect((await statusOf(sessionId)).status).toBe('pending');
  });

  it('refuses a validly signed token whose nonce is not the session nonce', async () => {
    const { sessionId, qrUrl } = await newSession();
    const location = new URL((await phone(qrUrl, 'complete'))!);
    const claims = claimsOf(location);
    const [id] = String(claims.nonce).split('.');
    const secret = new Uint8Array(
      Buffer.from('c2FuZGJveF9zZWNyZXRfZm9yX2xvY2FsX2RldmVsb3BtZW50', 'base64'),
    );
    const token = await signToken({ ...claims, nonce: `${id}.${'A'.repeat(32)}` }, { key: secret });
    const response = await arrive(`${WORKER_ORIGIN}/v1/callback?responseToken=${token}`);
    expect((await pageOf(response)).outcome).toBe('invalid');
    expect((await statusOf(sessionId)).status).toBe('pending');
  });

  it('says expired (410) when the session expired before the phone came back', async () => {
    const { qrUrl } = await newSession({ lang: 'en' });
    const location = (await phone(qrUrl, 'complete'))!;
    const claims = claimsOf(new URL(location));
    const { env } = await import('cloudflare:workers');
    const { runInDurableObject } = await import('cloudflare:test');
    const objectId = String(claims.nonce).split('.')[0]!;
    await runInDurableObject(
      env.SESSIONS.get(env.SESSIONS.idFromString(objectId)),
      async (instance, state) => {
        const holder = instance as unknown as { record: { expiresAt: number } };
        holder.record = { ...holder.record, expiresAt: Date.now() - 1 };
        await state.storage.put('session', holder.record);
      },
    );
    const response = await arrive(location);
    expect(response.status).toBe(410);
    expect((await pageOf(response)).outcome).toBe('expired');
  });

  it('answers a wrong method with a JSON 405', async () => {
    const response = await worker('/v1/callback', { method: 'POST' });
    expect(response.status).toBe(405);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe(
      'METHOD_NOT_ALLOWED',
    );
  });
});
