import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { FeedEvent } from '../../shared/feed';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { checkAnswer, type Seen } from './openapi';
import { chromiumArgs, chromiumPath } from '../../scripts/lib/chromium.mjs';
import { playPhone, sandboxAdmin } from '../../scripts/lib/sandbox-client.mjs';

export function stack() {
  return inject('e2eStack');
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
}

/**
 * One Chromium for the calling test file: launched before its tests, closed
 * after them. Call it at the file's top level; each test asks for the browser.
 */
export function fileBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('the file browser is used before its beforeAll');
    return browser;
  };
}

/** Every answer the Worker gave in this file, for the OpenAPI check. */
export const answers: Seen[] = [];

/** A request to the Worker from "the merchant's server", recorded. */
export async function api(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; json: () => unknown }> {
  return recordedFetch(`${stack().workerUrl}${path}`, init);
}

/** A request to any stack's Worker, its answer recorded for the OpenAPI check. */
export async function recordedFetch(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; json: () => unknown }> {
  const response = await fetch(url, init);
  const body = await response.text();
  answers.push({
    method: init.method ?? 'GET',
    url,
    status: response.status,
    contentType: response.headers.get('Content-Type') ?? '',
    body,
  });
  return { status: response.status, body, json: () => JSON.parse(body) };
}

export const merchant = () => ({ Authorization: `Bearer ${stack().merchantApiToken}` });

/** Records the Worker's answers to a page (the element's calls, the phone's callback). */
export function recordPage(page: Page): void {
  page.on('response', (response) => {
    if (!response.url().startsWith(stack().workerUrl) || response.request().method() === 'OPTIONS')
      return;
    // The element's own bundles are static assets, not API routes (see docs/embedding.md).
    if (/\.js(\.map)?$/.test(new URL(response.url()).pathname)) return;
    const type = response.headers()['content-type'] ?? '';
    if (type.includes('text/event-stream')) {
      answers.push({
        method: response.request().method(),
        url: response.url(),
        status: response.status(),
        contentType: type,
        body: '',
      });
      return;
    }
    void response
      .text()
      .then((body) =>
        answers.push({
          method: response.request().method(),
          url: response.url(),
          status: response.status(),
          contentType: type,
          body,
        }),
      )
      .catch(() => undefined);
  });
}

/** The problems of every recorded answer against docs/openapi.json. */
export function openApiProblems(): string[] {
  return answers.flatMap(checkAnswer);
}

/** Sandbox admin call for the default merchant; throws unless it succeeded. */
export async function sandbox(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await sandboxAdmin(stack().sandboxUrl, method, path, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The element's state on a page. */
export function elementState(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () =>
      document
        .querySelector('paypay-kyc-passport')
        ?.shadowRoot?.querySelector<HTMLElement>('[part~="card"]')?.dataset.state,
  );
}

export async function waitForState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (s) =>
      document
        .querySelector('paypay-kyc-passport')
        ?.shadowRoot?.querySelector<HTMLElement>('[part~="card"]')?.dataset.state === s,
    state,
    { timeout },
  );
}

/**
 * Runs in the page (Playwright's evaluate, webdriverio's execute): the QR's URL,
 * read from the rendered QR's accessible name or the Open PayPay link.
 */
export function qrUrlInPage(): string {
  const root = document.querySelector('paypay-kyc-passport')!.shadowRoot!;
  const link = root.querySelector<HTMLAnchorElement>('[part~="open-button"]');
  if (link) return link.href;
  return /(https?:[^)）\s]+)/.exec(
    root.querySelector('[part~="qr"]')!.getAttribute('aria-label')!,
  )![1]!;
}

/** Runs in the page: the first element's state, as its card says; '' before it renders. */
export function stateInPage(): string {
  return (
    document
      .querySelector('paypay-kyc-passport')
      ?.shadowRoot?.querySelector<HTMLElement>('[part~="card"]')?.dataset.state ?? ''
  );
}

/** The QR's URL on a Playwright page. */
export function qrUrlOn(page: Page): Promise<string> {
  return page.evaluate(qrUrlInPage);
}

/** The card's visible text. */
export function elementText(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (
        document
          .querySelector('paypay-kyc-passport')!
          .shadowRoot!.querySelector('[part~="card"]') as HTMLElement
      ).innerText,
  );
}

/** Opens the demo page in a fresh context. */
export async function openDemo(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  recordPage(page);
  await page.goto(`${stack().demoUrl}/`);
  return { context, page };
}

/** PayPay sends the phone back: pick `outcome` on the sandbox phone page, follow to our callback. */
export async function phoneByFetch(
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

/** A merchant session approved on the phone and exchanged: the verified user's id. */
export async function verifiedUser(referenceId: string): Promise<string> {
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

/** Every event of the merchant feed, page by page, oldest first. */
export async function feedEvents(): Promise<FeedEvent[]> {
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

/** A merchant session asking for `age_over_20` alone, approved and exchanged: its receipt's id. */
export async function ageOnlyReceipt(): Promise<string> {
  const created = (
    await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ claims: ['age_over_20'] }),
    })
  ).json() as { sessionId: string; qrUrl: string };
  await phoneByFetch(created.qrUrl, 'complete');
  const view = (await api(`/v1/sessions/${created.sessionId}`)).json() as { resultToken: string };
  const exchanged = (
    await api('/v1/results/exchange', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ resultToken: view.resultToken }),
    })
  ).json() as { claims: object; receipt: string };
  expect(Object.keys(exchanged.claims)).toEqual(['age_over_20']);
  const payload = exchanged.receipt.split('.')[1]!;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti: string }).jti;
}
