import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { outcomeUrl } from '../../../worker/http/callback-outcome';
import { newSession, ORIGIN, phone, testSetting, worker, WORKER_ORIGIN } from '../support/flow';
import { call } from '../support/webhooks';

// Issue 20: the phone's address bar and history must not keep `?responseToken=`.
// The callback uses the token, then sends the phone (303) to a token-free URL
// that shows the same page and cannot be made to show anything else.

/** The phone at the callback, without following the redirect. */
function atCallback(location: string, headers: Record<string, string> = {}) {
  const url = new URL(location);
  return worker(url.pathname + url.search, { headers });
}

/** The page a done URL shows: its status, outcome and language. */
async function show(location: string, headers: Record<string, string> = {}) {
  const url = new URL(location);
  const response = await worker(url.pathname + url.search, { headers });
  const html = await response.text();
  return {
    response,
    html,
    outcome: /data-outcome="([a-z]+)"/.exec(html)?.[1],
    lang: /<html lang="(ja|en)">/.exec(html)?.[1],
  };
}

/** Everything of the token worth keeping secret: the token, its three parts, the nonce's two. */
function secretsOf(callbackUrl: string): string[] {
  const token = new URL(callbackUrl).searchParams.get('responseToken')!;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    nonce: string;
  };
  return [token, ...token.split('.'), claims.nonce, ...claims.nonce.split('.')];
}

describe('GET /v1/callback answers 303 to a URL without the token', () => {
  it('uses the token, then sends the phone to a token-free page of the same outcome', async () => {
    const { sessionId, qrUrl } = await newSession({ lang: 'en' });
    const callbackUrl = (await phone(qrUrl, 'complete'))!;
    const answer = await atCallback(callbackUrl);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('Cache-Control')).toBe('no-store');
    expect(answer.headers.get('Referrer-Policy')).toBe('no-referrer');
    const location = answer.headers.get('Location')!;
    expect(new URL(location).pathname).toBe('/v1/callback/done');
    expect(new URL(location).origin).toBe(WORKER_ORIGIN);
    for (const secret of [...secretsOf(callbackUrl), sessionId, sessionId.split('.')[1]!])
      expect(location).not.toContain(secret);
    expect(location).not.toContain('responseToken');
    // The session was completed by the callback itself, before any redirect is followed.
    const view = await worker(`/v1/sessions/${sessionId}`, { headers: { Origin: ORIGIN } });
    expect((await view.json<{ status: string }>()).status).toBe('completed');

    const page = await show(location);
    expect(page.response.status).toBe(200);
    expect(page).toMatchObject({ outcome: 'completed', lang: 'en' });
    expect(page.response.headers.get('Content-Security-Policy')).toMatch(
      /^default-src 'none'; style-src 'nonce-[0-9a-f]{32}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(page.response.headers.get('Referrer-Policy')).toBe('no-referrer');
    // The reference shown is the callback's request id, the one its log line has.
    expect(page.html).toContain(answer.headers.get('X-Request-Id')!);
  });

  it('sends every outcome on, a bad token too: the invalid page, in the phone language', async () => {
    for (const query of ['', '?responseToken=', '?responseToken=not.a.jwt']) {
      const answer = await worker(`/v1/callback${query}`, {
        headers: { 'Accept-Language': 'en-US' },
      });
      expect(answer.status, query).toBe(303);
      const page = await show(answer.headers.get('Location')!);
      expect(page.response.status).toBe(400);
      expect(page).toMatchObject({ outcome: 'invalid', lang: 'en' });
    }
  });
});

describe('the token-free page cannot be made to lie', () => {
  async function declined(): Promise<URL> {
    const { qrUrl } = await newSession({ lang: 'en' });
    const answer = await atCallback((await phone(qrUrl, 'decline'))!);
    const location = new URL(answer.headers.get('Location')!);
    expect((await show(location.href)).outcome).toBe('failed');
    return location;
  }

  it('shows the invalid page for an outcome changed to success, or any other edit', async () => {
    const location = await declined();
    const edits: ((url: URL) => void)[] = [
      (url) => {
        url.searchParams.set('outcome', 'completed');
        url.searchParams.delete('reason');
      },
      (url) => url.searchParams.set('reason', 'PAYPAY_UNAVAILABLE'),
      (url) => url.searchParams.set('lang', 'ja'),
      (url) => url.searchParams.set('at', String(Number(url.searchParams.get('at')) + 1)),
      (url) => url.searchParams.set('sig', 'A'.repeat(22)),
      (url) => url.searchParams.delete('sig'),
      (url) => url.searchParams.append('outcome', 'completed'),
    ];
    for (const edit of edits) {
      const url = new URL(location);
      edit(url);
      const page = await show(url.href);
      expect([page.response.status, page.outcome], url.search).toEqual([400, 'invalid']);
    }
  });

  it('shows the invalid page for a success signed with another key, or too old', async () => {
    const outcome = { page: { kind: 'completed' } as const, lang: 'en' as const, requestId: 'r' };
    const foreign = await outcomeUrl(WORKER_ORIGIN, outcome, btoa('another merchant secret'));
    expect((await show(foreign.href)).outcome).toBe('invalid');
    const secret = testSetting('PAYPAY_API_SECRET');
    const fresh = await outcomeUrl(WORKER_ORIGIN, outcome, secret);
    expect((await show(fresh.href)).outcome).toBe('completed');
    const old = await outcomeUrl(WORKER_ORIGIN, outcome, secret, Date.now() - 16 * 60_000);
    expect((await show(old.href)).outcome).toBe('invalid');
  });

  it('says PayPay is unavailable (503) where PayPay is not configured, the token unused', async () => {
    const unconfigured = { PAYPAY_API_SECRET: '' };
    const answer = await call('/v1/callback?responseToken=a.b.c', {}, unconfigured);
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('Location')!);
    expect(location.search).toBe('');
    const page = await call(location.pathname, {}, unconfigured);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('data-outcome="failed"');
  });

  it('answers a wrong method on the done page with a JSON 405', async () => {
    const response = await worker('/v1/callback/done', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });
});
