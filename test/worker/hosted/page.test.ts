import { describe, expect, it } from 'vitest';
import { expireSession } from '../support/expire';
import {
  arrive,
  exchange,
  newSession,
  ORIGIN,
  phone,
  sessionObjectOf,
  worker,
  WORKER_ORIGIN,
} from '../support/flow';
import { cspOf, hostedSession, merchantPost, pathOf, RETURN_URL } from './support';

const html = { Accept: 'text/html' };

describe('GET /verify/:id', () => {
  it('serves the element following the merchant session, under a strict CSP', async () => {
    const { sessionId, url } = await hostedSession({ lang: 'en' });
    const response = await worker(pathOf(url), { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain(
      `<paypay-kyc-passport endpoint="${WORKER_ORIGIN}" session-provider="/verify/${sessionId}" lang="en">`,
    );
    expect(page).toContain('<noscript><p>This page needs JavaScript');
    expect(page).toContain(`<form id="return" method="post" action="${RETURN_URL}">`);
    expect(page).toContain(`<input type="hidden" name="sessionId" value="${sessionId}">`);

    const csp = cspOf(response);
    const nonce = /'nonce-([0-9a-f]{32})'/.exec(csp.get('script-src') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe(`'nonce-${nonce}'`);
    expect(csp.get('style-src')).toBe(`'nonce-${nonce}'`);
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('form-action')).toBe(ORIGIN);
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('img-src')).toBe("'none'");
    // Every script and style carries the nonce: nothing inline runs without it.
    const tags = page.match(/<(script|style)\b[^>]*>/g) ?? [];
    expect(tags.length).toBe(3);
    for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
    expect(page).toContain(`<script src="/paypay-kyc-passport.iife.js" nonce="${nonce}">`);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });

  it("speaks the creation's lang, else the browser's", async () => {
    const given = await hostedSession({ lang: 'ja' });
    const english = { ...html, 'Accept-Language': 'en-US,en' };
    expect(await (await worker(pathOf(given.url), { headers: english })).text()).toContain(
      '<html lang="ja">',
    );
    const open = await hostedSession();
    const page = await (await worker(pathOf(open.url), { headers: english })).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('lang="en"></paypay-kyc-passport>');
    const japanese = await (await worker(pathOf(open.url), { headers: html })).text();
    expect(japanese).toContain('<html lang="ja">');
    expect(japanese).toContain('このページはQRコードの表示にJavaScriptを使います');
  });

  it('holds no token, personal data or secret, even once the session completed', async () => {
    const kycData = { lastName: '山田', firstName: '太郎' };
    const { sessionId, url, qrUrl } = await hostedSession({ referenceId: 'cust-1', kycData });
    await arrive((await phone(qrUrl, 'complete', { identity: 'expected' }))!);
    const view = await (
      await worker(`/v1/sessions/${sessionId}`)
    ).json<{
      status: string;
      resultToken: string;
    }>();
    expect(view.status).toBe('completed');
    const response = await worker(pathOf(url), { headers: html });
    expect(response.status).toBe(200);
    const page = await response.text();
    // Completed, not exchanged: the element reads the token from the status, as on any page.
    expect(page).toContain('<paypay-kyc-passport');
    for (const secret of [view.resultToken, 'rt1.', '山田', 'cust-1', 'test_merchant_token'])
      expect(page).not.toContain(secret);
    expect(response.headers.get('Location')).toBeNull();
  });

  it('sends a failed session straight back, with status and reason and no token', async () => {
    const { sessionId, url, qrUrl } = await hostedSession({ lang: 'en' });
    expect((await arrive((await phone(qrUrl, 'decline'))!)).status).toBe(200);
    const response = await worker(pathOf(url), { headers: html });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).not.toContain('<paypay-kyc-passport');
    expect(page).not.toContain('paypay-kyc-passport.iife.js');
    expect(page).toContain(
      `<form id="return" method="post" action="${RETURN_URL}" data-ended="failed">`,
    );
    expect(page).toContain(`name="sessionId" value="${sessionId}"`);
    expect(page).toContain('<input type="hidden" name="status" value="failed">');
    expect(page).toContain('<input type="hidden" name="reason" value="declined">');
    expect(page).toContain('<button type="submit">Back to shop.example</button>');
    expect(page).not.toContain('resultToken"');
  });

  it('sends an expired session straight back with status=expired', async () => {
    const { sessionId, url } = await hostedSession({ lang: 'en' });
    const stub = sessionObjectOf(sessionId);
    expect(await expireSession(stub)).toBe(true);
    const page = await (await worker(pathOf(url), { headers: html })).text();
    expect(page).toContain('data-ended="expired"');
    expect(page).toContain('<input type="hidden" name="status" value="expired">');
    expect(page).toContain('<input type="hidden" name="reason" value="expired">');
    expect(page).not.toContain('<paypay-kyc-passport');
  });

  it('answers 410 once the merchant exchanged the result', async () => {
    const { sessionId, url, qrUrl } = await hostedSession({ lang: 'en' });
    await arrive((await phone(qrUrl, 'complete'))!);
    const view = await (await worker(`/v1/sessions/${sessionId}`)).json<{ resultToken: string }>();
    expect((await exchange(view.resultToken)).status).toBe(200);
    const response = await worker(pathOf(url), { headers: html });
    expect(response.status).toBe(410);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('data-page="gone"');
    expect(page).toContain('This verification is finished');
    expect(page).not.toContain('<script');
    expect(cspOf(response).get('form-action')).toBe("'none'");
    expect(cspOf(response).get('frame-ancestors')).toBe("'none'");
  });

  it.each([
    ['a malformed id', async () => 'not-a-session'],
    ['an unknown id', async () => `${'a'.repeat(64)}.${'b'.repeat(24)}`],
    ['a public session', async () => (await newSession()).sessionId],
    [
      'a merchant session without returnUrl',
      async () =>
        (await (await merchantPost({ referenceId: 'x' })).json<{ sessionId: string }>()).sessionId,
    ],
    [
      "a hosted session's id with another secret",
      async () => (await hostedSession()).sessionId.slice(0, 65) + 'A'.repeat(24),
    ],
  ])('answers %s with one 404 page', async (_, id) => {
    const response = await worker(`/verify/${await id()}`, {
      headers: { ...html, 'Accept-Language': 'en' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('data-page="notFound"');
    expect(page).toContain('This link is not valid');
    expect(page).toMatch(/Reference: req_[0-9a-f]{24}/);
    expect(page).not.toContain('<script');
  });
});
