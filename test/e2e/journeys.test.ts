import { describe, expect, it } from 'vitest';
import type { UserState } from '../../shared/feed';
import { stringsFor } from '../../widget/i18n';
import { documentedOperations, operationOf } from './openapi';
import {
  fileBrowser,
  answers,
  api,
  elementState,
  elementText,
  feedEvents,
  merchant,
  openApiProblems,
  openDemo,
  phoneByFetch,
  qrUrlOn,
  sandbox,
  stack,
  verifiedUser,
  waitForState,
  ageOnlyReceipt,
} from './support';

const browser = fileBrowser();

describe('a customer on a desktop', () => {
  it('scans with a phone, approves, and the shop exchanges the token once', async () => {
    const { context, page } = await openDemo(browser());
    await waitForState(page, 'qr');
    const qrUrl = await qrUrlOn(page);

    // The "phone": another browser, another context, opening the scanned URL.
    const phoneContext = await browser().newContext({
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
      const { context, page } = await openDemo(browser());
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
    const { context, page } = await openDemo(browser());
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
    // An age-only verification: its exchange, receipt, keys and log line.
    const jti = await ageOnlyReceipt();
    expect((await api(`/v1/receipts/${jti}`, { headers: merchant() })).status).toBe(200);
    expect((await api('/.well-known/jwks.json')).status).toBe(200);
    // The console's numbers: what this run made, in the answer's shape.
    expect((await api('/v1/metrics?step=day', { headers: merchant() })).status).toBe(200);
    await api('/v1/metrics?step=week', { headers: merchant() });
    // Deliveries: none here (MERCHANT_WEBHOOK_URL unset), and a resend says forwarding is off.
    expect((await api('/v1/deliveries', { headers: merchant() })).status).toBe(200);
    await api('/v1/deliveries/ev_1/resend', { method: 'POST', headers: merchant() });
    // A user found by the merchant's referenceId (the demo's), or none: the same shape.
    await api('/v1/users?referenceId=demo-user-42', { headers: merchant() });
    await api('/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA', { headers: { Origin: stack().demoUrl } });
    // The hosted page of a session with a returnUrl, and its element's session-provider
    // (test/e2e/hosted-page.test.ts takes it through in Chromium and WebKit).
    const hosted = (
      await api('/v1/sessions', {
        method: 'POST',
        headers: { ...merchant(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ returnUrl: `${stack().demoUrl}/kyc/return` }),
      })
    ).json() as { url: string };
    expect((await api(new URL(hosted.url).pathname)).status).toBe(200);
    const provided = await api(new URL(hosted.url).pathname, {
      method: 'POST',
      headers: { Origin: stack().workerUrl, 'Content-Type': 'application/json' },
      body: '{"lang":"ja"}',
    });
    expect(provided.status).toBe(200);
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
    // Refused (the feed grows only), so the stack's feed is untouched.
    await api('/v1/feed/reshard', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: '{"from":2,"to":1}',
    });
    const doctor = await api('/v1/doctor', { headers: merchant() });
    expect(doctor.status).toBe(200);
    expect((await api('/v1/dead-letters', { headers: merchant() })).status).toBe(200);
    const replayed = await api('/v1/dead-letters/replay', { method: 'POST', headers: merchant() });
    expect(replayed.status).toBe(200);
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
