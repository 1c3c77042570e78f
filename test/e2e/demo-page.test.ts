import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { Page } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './installed';
import {
  fileBrowser,
  openApiProblems,
  openDemo,
  phoneByFetch,
  qrUrlOn,
  waitForState,
} from './support';

// The demo page as a browser parses it (parse5 follows the HTML standard): an id
// given twice makes getElementById return the first alone, silently. Then the
// page against the stack: an age check beside a full identity, each exchanged
// by the demo's server, whose receipts it verifies against the Worker's keys.

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** Every `id` of the document, in document order, repeats included. */
function idsOf(node: Node): string[] {
  const own = 'attrs' in node ? node.attrs.filter((a) => a.name === 'id').map((a) => a.value) : [];
  const children = 'childNodes' in node ? node.childNodes : [];
  const template = 'content' in node ? [node.content] : [];
  return [...own, ...[...children, ...template].flatMap(idsOf)];
}

/** Every element named `tag`, in document order. */
function elementsOf(node: Node, tag: string): Element[] {
  const own = 'tagName' in node && node.tagName === tag ? [node] : [];
  const children = 'childNodes' in node ? node.childNodes : [];
  return [...own, ...children.flatMap((child) => elementsOf(child, tag))];
}

const attributesOf = (element: Element) =>
  Object.fromEntries(element.attrs.map((a) => [a.name, a.value]));

const html = readFileSync(join(root, 'demo/index.html'), 'utf8');
const script = readFileSync(join(root, 'demo/demo.js'), 'utf8');
const tree = parse(html);
const ids = idsOf(tree);

describe('the demo page', () => {
  it('gives each id to one element only', () => {
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has every id its script looks up', () => {
    const wanted = [...script.matchAll(/getElementById\('([^']+)'\)/g)].map((m) => m[1] ?? '');
    expect(wanted).toEqual(expect.arrayContaining(['customer', 'kyc', 'kyc-age', 'receipt-age']));
    expect(wanted.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('shows the full identity first (it starts at once) and the age check beside it', () => {
    const [full, age, ...more] = elementsOf(tree, 'paypay-kyc-passport').map(attributesOf);
    expect(more).toEqual([]);
    // The first element is the one the journeys drive: everything, started on load.
    expect(full).toMatchObject({ id: 'kyc', endpoint: '{{WORKER_URL}}' });
    expect(full).not.toHaveProperty('claims');
    expect(full).not.toHaveProperty('auto-start');
    // The age check waits for its button: one page load creates one session.
    expect(age).toMatchObject({ id: 'kyc-age', claims: 'age_over_20', 'auto-start': 'false' });
  });
});

const browser = fileBrowser();
afterAll(() => {
  expect(openApiProblems()).toEqual([]);
});

/** The age check's state, as its card says. */
function ageState(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () =>
      document.getElementById('kyc-age')?.shadowRoot?.querySelector<HTMLElement>('[part~="card"]')
        ?.dataset.state,
  );
}

/** Starts the age check with its button and approves it on the phone with a birth date preset. */
async function ageCheck(page: Page, birthDate: string): Promise<string> {
  expect(await ageState(page)).toBe('idle');
  // Playwright's CSS reaches into open shadow roots.
  await page.click('#kyc-age [part~="primary"]');
  await expect.poll(() => ageState(page), { timeout: 15_000 }).toBe('qr');
  const qrUrl = await page.evaluate(() => {
    const shadow = document.getElementById('kyc-age')!.shadowRoot!;
    const label = shadow.querySelector('[part~="qr"]')!.getAttribute('aria-label')!;
    return /(https?:[^)）\s]+)/.exec(label)![1]!;
  });
  await phoneByFetch(qrUrl, 'complete', { birthDate });
  await expect.poll(() => ageState(page), { timeout: 15_000 }).toBe('completed');
  await page.locator('#server-age[data-status="200"]').waitFor();
  return page.locator('#server-age').innerText();
}

describe('the demo page against the stack', () => {
  it('side by side: the full identity and an age check, each with a verified receipt', async () => {
    const { context, page } = await openDemo(browser());
    await page.selectOption('#lang', 'en');
    await waitForState(page, 'qr');
    await phoneByFetch(await qrUrlOn(page), 'complete');
    await waitForState(page, 'completed');
    await page.locator('#server[data-status="200"]').waitFor();
    const full = JSON.parse(
      (await page.locator('#server').innerText()).replace(/^HTTP 200\n/, ''),
    ) as Record<string, unknown>;
    expect(full).toMatchObject({ claims: {}, kyc: { kycStatus: 'COMPLETED' } });
    const fullReceipt = page.locator('#receipt[data-verified="true"]');
    await fullReceipt.waitFor();
    expect(await fullReceipt.innerText()).toMatch(
      /^Receipt rcp_\d{6}_[\w-]{22} · kid \S+ · signature verified · digest matches$/,
    );

    const received = await ageCheck(page, '20-today');
    expect(received).toMatch(/^age_over_20: true\nreceipt: rcp_\d{6}_[\w-]{22}$/);
    const ageReceipt = page.locator('#receipt-age[data-verified="true"]');
    await ageReceipt.waitFor();
    expect(await ageReceipt.innerText()).toContain('signature verified');
    // The receipt line names the receipt the page shows as received.
    expect(await ageReceipt.innerText()).toContain(received.split('receipt: ')[1]!);
    // The full identity is unchanged by the age check beside it.
    expect(await page.locator('#server').innerText()).toContain('"kycStatus": "COMPLETED"');
    await context.close();
  });

  it('the age check says false the day before the 20th birthday, never the date', async () => {
    const { context, page } = await openDemo(browser());
    const received = await ageCheck(page, '20-tomorrow');
    expect(received).toMatch(/^age_over_20: false\nreceipt: rcp_/);
    expect(received).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await page.locator('#receipt-age[data-verified="true"]').waitFor();
    await context.close();
  });

  it('the age check says null, with the reason, when PayPay sent no birth date', async () => {
    const { context, page } = await openDemo(browser());
    const received = await ageCheck(page, 'none');
    expect(received).toMatch(/^age_over_20: null \(CLAIM_UNAVAILABLE\)\nreceipt: rcp_/);
    await context.close();
  });

  it('merchant mode: the shop server asks for the age alone, and no birth date is compared', async () => {
    const { context, page } = await openDemo(browser());
    await page.selectOption('#mode', 'merchant');
    await page.waitForTimeout(300);
    // The shop sends no kycData with the age check, so any birth date passes PayPay's match.
    const received = await ageCheck(page, '18-today');
    expect(received).toMatch(/^age_over_20: false\nreceipt: rcp_/);
    await context.close();
  });
});
