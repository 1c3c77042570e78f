import { webdriverio } from '@vitest/browser-webdriverio';
import type { BrowserProviderOption } from 'vitest/node';
import { registerScreenshot } from './screenshot-command';

interface Wdio {
  execute<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  takeScreenshot(): Promise<string>;
}

interface SwitchingProvider {
  isIframeSwitched(): boolean;
  switchToTestFrame(): Promise<void>;
  switchToMainFrame(): Promise<void>;
}

/**
 * In the top-level page: the PNG (base64) of the part of `shot` (a screenshot
 * of the viewport) where the test iframe shows the element `selector` names.
 * The selector's `a > b` path crosses shadow roots without saying where, so each
 * step looks among both the light and the shadow children.
 */
async function cropInPage(shot: string, selector: string | null): Promise<string> {
  const iframe = document.querySelector<HTMLIFrameElement>('iframe[data-vitest]')!;
  const outer = iframe.getBoundingClientRect();
  const inner = iframe.contentWindow!;
  let box = { x: 0, y: 0, width: inner.innerWidth, height: inner.innerHeight };
  if (selector) {
    const doc = iframe.contentDocument!;
    // webdriverio's deep selector: a leading `>>>`.
    const [first, ...rest] = selector.replace(/^>>>/, '').split(' > ');
    let nodes: Element[] = doc.documentElement.matches(first!) ? [doc.documentElement] : [];
    for (const step of rest) {
      nodes = nodes
        .flatMap((node) => [...node.children, ...(node.shadowRoot?.children ?? [])])
        .filter((child) => child.matches(step));
    }
    if (!nodes[0]) throw new Error(`nothing to take a screenshot of at ${selector}`);
    box = nodes[0].getBoundingClientRect();
  }
  const scale = outer.width / inner.innerWidth;
  const image = new Image();
  image.src = `data:image/png;base64,${shot}`;
  await image.decode();
  // The screenshot may be in device pixels.
  const ratio = image.naturalWidth / window.innerWidth;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(box.width * scale * ratio);
  canvas.height = Math.round(box.height * scale * ratio);
  canvas
    .getContext('2d')!
    .drawImage(
      image,
      (outer.x + box.x * scale) * ratio,
      (outer.y + box.y * scale) * ratio,
      canvas.width,
      canvas.height,
      0,
      0,
      canvas.width,
      canvas.height,
    );
  return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

/**
 * vitest's webdriverio provider for WebKitGTK, with its own page.screenshot():
 * WebKitWebDriver's element screenshot inside the test iframe captures the
 * region at the element's iframe coordinates but on the top-level page (the
 * vitest UI instead of the element). So the viewport is captured at top level
 * and cut to the element's box, the iframe's offset and scale added.
 */
export function webkitGtk(options: {
  hostname: string;
  port: number;
  path: string;
  /** WebKitGTK's own (`webkitgtk:browserOptions`), which webdriverio's types do not list. */
  capabilities: Record<string, unknown>;
}): BrowserProviderOption {
  const base = webdriverio(options as Parameters<typeof webdriverio>[0]);
  return {
    ...base,
    providerFactory(project) {
      const provider = base.providerFactory(project);
      registerScreenshot(project, async (context, options) => {
        const browser = (context as unknown as { browser: Wdio }).browser;
        const frames = context.provider as unknown as SwitchingProvider;
        const inFrame = frames.isIframeSwitched();
        if (inFrame) await frames.switchToMainFrame();
        try {
          const selector = options.target === 'page' ? null : (options.element?.selector ?? null);
          const png = await browser.execute(cropInPage, await browser.takeScreenshot(), selector);
          return Buffer.from(png, 'base64');
        } finally {
          if (inFrame) await frames.switchToTestFrame();
        }
      });
      return provider;
    },
  };
}
