import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/lib/chromium.mjs';
import { startConsoleFake } from '../../scripts/lib/console-fake.mjs';

// The console as a merchant's operator meets it: built from console/, served
// beside a fake API answering fixed numbers (9 created, 7 completed, 2 failed
// declined, one recon file missing), in headless Chromium, light and dark, on
// a desk and on a 375 px phone.

const root = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'kyc-console-'));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');
let fake: Awaited<ReturnType<typeof startConsoleFake>>;
let browser: Browser;

beforeAll(async () => {
  await build({
    configFile: join(root, 'vite.console.config.ts'),
    build: { outDir: out, emptyOutDir: true },
    logLevel: 'warn',
  });
  fake = await startConsoleFake(out);
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});
afterAll(async () => {
  await browser?.close();
  await fake?.stop();
  rmSync(out, { recursive: true, force: true });
});

type Scheme = 'light' | 'dark';

async function open(
  route = '',
  { scheme = 'light' as Scheme, width = 1100, locale = 'en-US' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    colorScheme: scheme,
    viewport: { width, height: 800 },
    locale,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  // The page says ja; the test asks for a language with the switch where it matters.
  await page.goto(`${fake.url}#/${route}`);
  await page.waitForSelector('main h1');
  return page;
}

async function english(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: /Language|言語/ }).selectOption('en');
}

/** axe-core's WCAG 2.x A/AA findings of serious or critical impact. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      impact: v.impact,
      text: `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' / ')}`,
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.text);
}

/** Opens each page as far as it goes with the fake: the doctor run, a user looked up. */
async function fill(page: Page, route: string): Promise<void> {
  if (route === '') await page.waitForSelector('.funnel');
  if (route === 'deliveries') await page.waitForSelector('[data-list="failed"]');
  if (route === 'doctor') {
    await page.getByRole('button', { name: /Run the doctor|診断を実行/ }).click();
    await page.waitForSelector('table.doctor');
  }
  if (route === 'user') {
    await page.getByLabel('userAuthorizationId').fill('uaid-console-1');
    await page.getByRole('button', { name: /Look up|検索/ }).click();
    await page.waitForSelector('[data-standing]');
  }
}

const ROUTES = ['', 'deliveries', 'user', 'doctor'];

describe('the overview', () => {
  it('shows the funnel, failures, recon and expiries the API answered', async () => {
    const page = await open();
    await english(page);
    await page.waitForSelector('.funnel');
    const funnel = await page.$$eval('.funnel li', (items) =>
      items.map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
    );
    expect(funnel).toEqual(['Created 9', 'Shown 9', 'Authorized 8', 'Completed 7']);
    const failures = page.locator('#h-failures').locator('..').locator('tbody tr');
    await expect
      .poll(() => failures.allTextContents())
      .toEqual([expect.stringMatching(/declined\s*2/)]);
    const missing = page.locator('td.cell.missing');
    expect(await missing.count()).toBe(1);
    expect(await missing.textContent()).toContain('Missing');
    expect(await page.locator('td.cell.late').count()).toBe(1);
    expect(await page.textContent('[data-expiring="7"]')).toBe('1');
    expect(await page.textContent('[data-expiring="30"]')).toBe('3');
    // The chart's numbers are in a table too: seven completions over the period.
    const series = await page.$$eval('#h-series ~ figure tbody td', (cells) =>
      cells.reduce((n, td) => n + Number(td.textContent), 0),
    );
    expect(series).toBe(7);
    await page.context().close();
  });

  it('asks for the chosen period with an hourly step, and speaks Japanese by default', async () => {
    const page = await open();
    expect(await page.textContent('main h1')).toBe('概要');
    await page.getByRole('combobox', { name: '期間' }).selectOption('last24h');
    await page.waitForSelector('#h-series');
    expect(await page.textContent('#h-series')).toBe('1時間ごとの本人確認');
    const asked = fake.calls.filter((c) => c.startsWith('GET /v1/metrics')).at(-1) ?? '';
    const query = new URLSearchParams(asked.split('?')[1]);
    expect(query.get('step')).toBe('hour');
    const hours =
      (Date.parse(query.get('to') ?? '') - Date.parse(query.get('from') ?? '')) / 3600_000;
    expect(hours).toBe(24);
    await page.context().close();
  });
});

describe('deliveries, user and doctor', () => {
  it('resends a failed forward', async () => {
    const page = await open('deliveries');
    await english(page);
    await page.getByRole('button', { name: 'Resend evt_failed_0001' }).click();
    await expect
      .poll(() => page.locator('[data-event="evt_failed_0001"] [role="status"]').textContent())
      .toBe('Queued for delivery');
    expect(fake.calls).toContain('POST /v1/deliveries/evt_failed_0001/resend');
    await page.context().close();
  });

  it('forgets a user only after the confirmation', async () => {
    const page = await open('user');
    await english(page);
    await fill(page, 'user');
    expect(await page.textContent('[data-standing]')).toContain('OK');
    await page.getByRole('button', { name: 'Forget this user' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(fake.calls).not.toContain('DELETE /v1/users/uaid-console-1');
    await page.getByRole('button', { name: 'Forget this user' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Forget this user' }).click();
    await expect.poll(() => fake.calls.includes('DELETE /v1/users/uaid-console-1')).toBe(true);
    await page.context().close();
  });

  it('finds a user by referenceId, lists the match and opens it', async () => {
    const page = await open('user');
    await english(page);
    await page.getByLabel('userAuthorizationId').fill('order-42');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.waitForSelector('[data-matches="1"]');
    expect(fake.calls).toContain('GET /v1/users?referenceId=order-42');
    expect(await page.textContent('[data-matches]')).toContain('set by your server');
    await page.getByRole('button', { name: /Open uaid-console-1/ }).click();
    await page.waitForSelector('[data-standing]');
    expect(await page.textContent('h2#h-user')).toContain('uaid-console-1');
    // The toggle searches by referenceId whatever the value looks like, and says when none has it.
    await page.getByLabel('userAuthorizationId').fill('uaid-console-1');
    await page.getByLabel('Search by referenceId').check();
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect
      .poll(() => page.locator('[data-matches="0"]').textContent())
      .toBe('No user has this referenceId.');
    await page.context().close();
  });

  it('says plainly when a user is unknown', async () => {
    const page = await open('user');
    await english(page);
    await page.getByLabel('userAuthorizationId').fill('nobody');
    await page.getByRole('button', { name: 'Look up' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Nothing is known');
    await page.context().close();
  });

  it('runs the doctor and shows its rows as the CLI does', async () => {
    const page = await open('doctor');
    await english(page);
    await fill(page, 'doctor');
    const rows = await page.$$eval('table.doctor tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())),
    );
    expect(rows).toEqual([
      ['ok', 'settings', 'every required setting is set'],
      ['ok', 'clock', 'within 2 s of PayPay'],
      ['FAIL', 'webhooks', 'WEBHOOK_PATH_TOKEN is not set'],
    ]);
    expect(await page.textContent('main [role="status"]')).toContain('3 checks, 1 failed');
    await page.context().close();
  });
});

describe.each(['light', 'dark'] as Scheme[])('every page in %s mode', (scheme) => {
  it.each(ROUTES)('has no serious axe finding on #/%s', async (route) => {
    const page = await open(route, { scheme });
    await fill(page, route);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('on a 375 px phone', () => {
  it.each(ROUTES)('#/%s does not scroll sideways', async (route) => {
    const page = await open(route, { width: 375 });
    await fill(page, route);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await page.context().close();
  });
});
