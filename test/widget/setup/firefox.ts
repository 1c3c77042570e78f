import { preview } from '@vitest/browser-preview';
import type { Browser, ElementHandle, Frame, Page } from 'puppeteer-core';
import type { BrowserProviderOption } from 'vitest/node';
import { launchFirefox } from '../../../scripts/lib/webkit.mjs';
import { registerScreenshot } from './screenshot-command';

/**
 * The element a vitest selector names. Its `a > b > c` path goes through shadow
 * roots without saying where (vitest's own providers pierce them), so each step
 * looks among both the light and the shadow children.
 */
async function inShadows(frame: Frame, selector: string): Promise<ElementHandle | null> {
  const handle = await frame.evaluateHandle((path: string) => {
    let nodes: Element[] = [document.documentElement];
    const [first, ...rest] = path.split(' > ');
    if (!document.documentElement.matches(first!)) return null;
    for (const step of rest) {
      nodes = nodes
        .flatMap((node) => [...node.children, ...(node.shadowRoot?.children ?? [])])
        .filter((child) => child.matches(step));
    }
    return nodes[0] ?? null;
  }, selector);
  return handle.asElement() as ElementHandle | null;
}

/**
 * Where `target` is on the page. Over BiDi, puppeteer's own element screenshot
 * places an element of the test iframe as if the iframe were at the page's
 * origin, so the box is worked out here: the iframe's box, plus the element's
 * box inside it, scaled like the iframe (vitest scales it to fit the viewport).
 */
async function clipOf(iframe: ElementHandle, target: ElementHandle) {
  const frame = await iframe.boundingBox();
  if (!frame) throw new Error('the test iframe is not visible');
  if (target === iframe) return frame;
  const box = await target.evaluate((element) => {
    const { x, y, width, height } = element.getBoundingClientRect();
    return { x, y, width, height, frameWidth: window.innerWidth };
  });
  const scale = frame.width / box.frameWidth;
  return {
    x: frame.x + box.x * scale,
    y: frame.y + box.y * scale,
    width: box.width * scale,
    height: box.height * scale,
  };
}

/**
 * A vitest browser provider for Debian's Firefox ESR. No geckodriver and no
 * Playwright Firefox build exist here, so it is vitest's `preview` provider (its
 * userEvent runs inside the page, see userevent-shim.ts) with the page opened by
 * puppeteer-core over WebDriver BiDi, plus the screenshot command `preview` lacks.
 * The project's instance must say `headless: false`: `preview` refuses headless,
 * and puppeteer starts Firefox headless itself.
 */
export function firefoxEsr(): BrowserProviderOption {
  const base = preview();
  return {
    ...base,
    providerFactory(project) {
      const provider = base.providerFactory(project) as ReturnType<typeof base.providerFactory> & {
        open: boolean;
      };
      let browser: Browser | undefined;
      let page: Page | undefined;
      registerScreenshot(project, async (_context, options) => {
        const iframe = (await page!.$('iframe[data-vitest]'))!;
        const selector = options.element?.selector;
        const target =
          selector && options.target !== 'page'
            ? await inShadows(await iframe.contentFrame(), selector)
            : iframe;
        if (!target) throw new Error(`nothing to take a screenshot of at ${selector}`);
        return Buffer.from(await page!.screenshot({ clip: await clipOf(iframe, target) }));
      });
      provider.openPage = async (_sessionId: string, url: string) => {
        provider.open = true;
        browser ??= await launchFirefox();
        // A new tab, not the first one: the first never gets focus (document.hasFocus()
        // stays false), and focus tests would fail for a reason no customer meets.
        page ??= await browser.newPage();
        await page.setViewport({ width: 1280, height: 1000 });
        await page.goto(url);
      };
      provider.close = async () => {
        await browser?.close();
        browser = page = undefined;
      };
      return provider;
    },
  };
}
