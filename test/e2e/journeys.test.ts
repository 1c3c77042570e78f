import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedEvent, UserState } from '../../shared/feed';
import { playPhone, setQrLifetime } from '../../scripts/sandbox-client.mjs';
import { stringsFor } from '../../widget/i18n';
import { documentedOperations, operationOf } from './openapi';
import {
  answers,
  api,
  elementState,
  elementText,
  merchant,
  openApiProblems,
  openDemo,
  qrUrlOn,
  sandbox,
  stack,
  waitForState,
} from './support';

/** How long the sandbox's QRs live (its webhook URLs are kept). */
async function qrLifetime(seconds: number): Promise<void> {
  expect((await setQrLifetime(stack().sandboxUrl, seconds)).status).toBe(200);
}

let browser: Browser;

beforeAll(async () => {
  browser = await (await import('./support')).launch();
});
afterAll(async () => {
  await browser?.close();
});

/** PayPay sends the phone back: pick `outcome` on the sandbox phone page, follow to our callback. */
async function phoneByFetch(
  qrUrl: string,
  outcome: string,
  fields: Record<string, string> = {},
): Promise<Response> {
  const played = await playPhone(qrUrl, outcome, fields);
  expect(played.status).toBe(303);
  expect(played.location!.startsWith(`${stack().workerUrl}/v1/callback?responseToken=`)).toBe(true);
  // The callback sends the phone on to a page whose URL carries no token.
  expect(played.callback!.status).toBe(303);
  expect(played.pageUrl!.startsWith(`${stack().workerUrl}/v1/callback/done?`)).toBe(true);
  expect(played.pageUrl).not.toContain('responseToken');
  const page = played.page!;
  for (const [url, answer] of [
    [played.location!, played.callback!],
    [played.pageUrl!, page],
  ] as const) {
    answers.push({
      method: 'GET',
      url,
      status: answer.status,
      contentType: answer.headers.get('Content-Type') ?? '',
      body: '',
    });
  }
  return page;
}

async function feedEvents(): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after = '';
  for (;;) {
    const page = await api(
      `/v1/events?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      { headers: merchant() },
    );
    expect(page.status).toBe(200);
    const { events: batch, cursor } = page.json() as { events: FeedEvent[]; cursor: string };
    events.push(...batch);
    if (batch.length === 0) return events;
    after = cursor;
  }
}

describe('a customer on a desktop', () => {
  it('scans with a phone, approves, and the shop exchanges the token once', async () => {
    const { context, page } = await openDemo(browser);
    await waitForState(page, 'qr');
    const qrUrl = await qrUrlOn(page);

    // The "phone": another browser, another context, opening the scanned URL.
    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = await phoneContext.newPage();
    await phone.goto(qrUrl);
    await phone.click('button[data-outcome="complete"]');
    // The phone's address bar ends on the page, without the responseToken.
    await phone.waitForURL(`${stack().workerUrl}/v1/callback/done?**`);
    expect(phone.url()).not.toContain('responseToken');
    expect(await phone.locator('main').getAttribute('data-outcome')).toBe('completed');
    await phoneContext.close();

    await waitForState(page, 'completed');
    await page.locator('#events li[data-type="kyc-passport-complete"]').waitFor();
    await page.locator('#server[data-status="200"]').waitFor();
    const server = JSON.parse(
      (await page.locator('#server').innerText()).replace(/^HTTP 200\n/, ''),
    ) as Record<string, unknown>;
    expect(server).toMatchObject({
      mode: 'public',
      referenceId: 'demo-user-42',
      kyc: { kycStatus: 'COMPLETED' },
    });

    await page.click('#again');
    await page.locator('#server[data-status="410"]').waitFor();
    expect(await page.locator('#server').innerText()).toContain('RESULT_ALREADY_EXCHANGED');
    await context.close();
  });
});

describe('a customer on a phone', () => {
  it('taps Open PayPay, approves in "the app", and the shop page completes', async () => {
    const { context, page } = await openDemo(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await waitForState(page, 'qr');
    const link = await page.evaluate(
      () =>
        document
          .querySelector('paypay-kyc-passport')!
          .shadowRoot!.querySelector<HTMLAnchorElement>('[part~="open-button"]')?.href,
    );
    expect(link).toBeTruthy();
    expect(
      await page.evaluate(() =>
        document.querySelector('paypay-kyc-passport')!.shadowRoot!.querySelector('[part~="qr"]'),
      ),
    ).toBeNull();
    // The PayPay app opens over the shop's tab; the shop's tab stays behind.
    const app = await context.newPage();
    await app.goto(link!);
    await app.click('button[data-outcome="complete"]');
    await app.waitForURL(`${stack().workerUrl}/v1/callback/done?**`);
    await app.close();
    await waitForState(page, 'completed');
    await page.locator('#server[data-status="200"]').waitFor();
    await context.close();
  });
});

describe('failures reach the element with the right words', () => {
  const cases = [
    ['decline', 'declined'],
    ['kyc_not_completed', 'KYC_PASSPORT_NOT_COMPLETED'],
    ['risk_flagged', 'UNACCEPTABLE_OP'],
    ['kyc_update_required', 'KYC_UPDATE_REQUIRED'],
    ['cancelled_user', 'CANCELED_USER'],
  ] as const;
  for (const lang of ['ja', 'en'] as const) {
    it.each(cases)(`${lang}: %s ends as failed(%s)`, async (outcome, reason) => {
      const { context, page } = await openDemo(browser);
      await page.selectOption('#lang', lang);
      await waitForState(page, 'qr');
      await phoneByFetch(await qrUrlOn(page), outcome);
      await waitForState(page, 'failed');
      const text = await elementText(page);
      expect(text).toContain(stringsFor(lang).failed);
      expect(text).toContain(stringsFor(lang).reasons[reason]);
      await context.close();
    });
  }

  it("merchant mode: someone other than the shop's customer approves -> KYC data mismatch", async () => {
    const { context, page } = await openDemo(browser);
    await page.selectOption('#lang', 'en');
    await page.selectOption('#mode', 'merchant');
    await page.waitForTimeout(300);
    await waitForState(page, 'qr');
    await phoneByFetch(await qrUrlOn(page), 'complete', { identity: 'other' });
    await waitForState(page, 'failed');
    expect(await elementText(page)).toContain(stringsFor('en').reasons.KYC_DATA_MISMATCH);
    await context.close();
  });
});

describe('recovery', () => {
  it('expiry, then a new QR, then success', async () => {
    await qrLifetime(3);
    try {
      const { context, page } = await openDemo(browser);
      await page.evaluate(() =>
        document.querySelector('paypay-kyc-passport')!.removeAttribute('auto-refresh'),
      );
      await waitForState(page, 'expired', 10_000);
      await qrLifetime(300);
      await page.evaluate(() =>
        document
          .querySelector('paypay-kyc-passport')!
          .shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!
          .click(),
      );
      await waitForState(page, 'qr');
      await phoneByFetch(await qrUrlOn(page), 'complete');
      await waitForState(page, 'completed');
      await context.close();
    } finally {
      await qrLifetime(300);
    }
  });

  it('PayPay answers 503 on create: error state, then the retry succeeds once PayPay is back', async () => {
    await sandbox('PUT', '/faults', { operation: 'createQr', fault: 'maintenance' });
    try {
      const { context, page } = await openDemo(browser);
      await waitForState(page, 'error');
      expect(
        await page.locator('#events li[data-type="kyc-passport-error"]').first().innerText(),
      ).toContain('PAYPAY_UNAVAILABLE');
      await sandbox('DELETE', '/faults');
      // The element backs off 2 s doubling to 30 s; on a loaded machine the Worker's
      // own three tries push it a step further, so the next one may be 30 s away.
      await waitForState(page, 'qr', 45_000);
      await context.close();
    } finally {
      await sandbox('DELETE', '/faults');
    }
  });
});

/** A merchant session approved on the phone and exchanged: the verified user's id. */
async function verifiedUser(referenceId: string): Promise<string> {
  const created = (
    await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ referenceId }),
    })
  ).json() as { sessionId: string; qrUrl: string };
  await phoneByFetch(created.qrUrl, 'complete');
  const view = (await api(`/v1/sessions/${created.sessionId}`)).json() as { resultToken: string };
  const result = (
    await api('/v1/results/exchange', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ resultToken: view.resultToken }),
    })
  ).json() as { userAuthorizationId: string };
  return result.userAuthorizationId;
}

describe('after verification', () => {
  it('a risk webhook and a recon file about the user show up in the event feed', async () => {
    const uaid = await verifiedUser('feed-customer');

    const sent = (await sandbox('POST', '/webhooks', {
      kind: 'risk',
      userAuthorizationId: uaid,
    })) as { notificationId: string };
    const other = (await sandbox('POST', '/users', {})) as { userAuthorizationId: string };
    await sandbox('POST', '/recon', {
      fileType: 'kyc_passport_risk_sync_recon',
      userAuthorizationIds: [uaid, other.userAuthorizationId],
    });

    await expect
      .poll(
        async () => {
          const events = await feedEvents();
          return {
            risk: events.some(
              (e) =>
                e.type === 'risk.flagged' &&
                e.userAuthorizationId === uaid &&
                e.notificationId === sent.notificationId,
            ),
            // The recon file covers PayPay's previous day (JST): a user no webhook told us about then is "missed".
            missed: events.some(
              (e) =>
                e.type === 'recon.missed' &&
                e.userAuthorizationId === other.userAuthorizationId &&
                e.source === 'recon' &&
                e.kind === 'risk',
            ),
          };
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual({ risk: true, missed: true });

    // Per-user state is a copy in KV, written after the feed: eventually there.
    await expect
      .poll(
        async () => {
          const answer = await api(`/v1/users/${uaid}`, { headers: merchant() });
          return answer.status === 200
            ? (answer.json() as { risk: { source: string } | null }).risk?.source
            : answer.status;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('webhook');
    // The webhook is a hint: PayPay itself still answers for this user.
    expect((await api(`/v1/users/${uaid}/kyc`, { headers: merchant() })).status).toBe(200);
    expect(
      (await api(`/v1/users/${uaid}/kyc-info?requiredKycType=EKYC`, { headers: merchant() }))
        .status,
    ).toBe(403);
  });

  it('DELETE /v1/users/:id unlinks and forgets the user; a repeat changes nothing', async () => {
    const uaid = await verifiedUser('forget-customer');
    // The callback reads PayPay's authorization after the phone has its page.
    await expect
      .poll(
        async () => {
          const answer = await api(`/v1/users/${uaid}`, { headers: merchant() });
          if (answer.status !== 200) return answer.status;
          return (answer.json() as UserState).authorization?.status ?? null;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('ACTIVE');
    const sent = (await sandbox('POST', '/webhooks', {
      kind: 'kyc',
      userAuthorizationId: uaid,
    })) as { notificationId: string };
    await expect
      .poll(
        async () => (await feedEvents()).some((e) => e.notificationId === sent.notificationId),
        {
          timeout: 15_000,
          interval: 500,
        },
      )
      .toBe(true);

    const forget = () => api(`/v1/users/${uaid}`, { method: 'DELETE', headers: merchant() });
    const first = await forget();
    expect(first.status).toBe(202);
    const asked = first.json() as { status: string; requestId: string };
    expect(asked.status).toBe('forgetting');
    const again = await forget();
    expect(again.status).toBe(202);
    const repeated = again.json() as { status: string; requestId: string };
    expect(['forgetting', 'forgotten']).toContain(repeated.status);
    expect(repeated.requestId).not.toBe(asked.requestId);

    await expect
      .poll(async () => (await api(`/v1/users/${uaid}`, { headers: merchant() })).status, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(404);
    await expect
      .poll(async () => (await feedEvents()).filter((e) => e.type === 'user.forgotten'), {
        timeout: 10_000,
        interval: 500,
      })
      .toContainEqual(expect.objectContaining({ requestId: asked.requestId }));
    const events = await feedEvents();
    const forgotten = events.filter((e) => e.type === 'user.forgotten');
    // One event for the two requests, naming the first; no user id in it or anywhere else.
    expect(forgotten.filter((e) => e.requestId === asked.requestId)).toHaveLength(1);
    expect(forgotten.filter((e) => e.requestId === repeated.requestId)).toHaveLength(0);
    expect(forgotten.find((e) => e.requestId === asked.requestId)).toMatchObject({
      source: 'merchant',
    });
    expect(forgotten.every((e) => e.userAuthorizationId === undefined)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(uaid);
    // The user's past event keeps its type and time, without the id.
    const past = events.find((e) => e.notificationId === sent.notificationId);
    expect(past).toMatchObject({ type: 'kyc.updated', source: 'webhook' });
    expect(past?.userAuthorizationId).toBeUndefined();
    // PayPay no longer knows the link either.
    expect((await api(`/v1/users/${uaid}/kyc`, { headers: merchant() })).status).toBe(404);
    // Once done, a further request still changes nothing.
    const late = await forget();
    expect(late.status).toBe(202);
    expect((late.json() as { status: string }).status).toBe('forgotten');
  });
});

describe('the OpenAPI document', () => {
  it('describes every answer this run received, shape included', async () => {
    // A few answers the journeys above do not produce.
    await api('/healthz');
    await api('/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA', { headers: { Origin: stack().demoUrl } });
    await api('/v1/results/exchange', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    await api('/v1/webhooks/paypay/kyc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"notification_type":"file.created"}',
    });
    const doctor = await api('/v1/doctor', { headers: merchant() });
    expect(doctor.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answers.length).toBeGreaterThan(50);
    expect(openApiProblems()).toEqual([]);
    const seen = new Set(answers.map((a) => operationOf(a.method, a.url)));
    const unseen = documentedOperations().filter(
      (op) => !seen.has(op) && !op.startsWith('OPTIONS'),
    );
    expect(
      unseen.filter((op) => !/webhooks\/paypay\/(risk|account-status|recon)/.test(op)),
    ).toEqual([]);
  });
});

void elementState;
