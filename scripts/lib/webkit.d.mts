/** Types of scripts/lib/webkit.mjs for the TypeScript tests. */
import type { Browser as WdioBrowser } from 'webdriverio';
import type { Browser as PuppeteerBrowser, LaunchOptions } from 'puppeteer-core';

export type Engine = 'firefox' | 'webkit' | 'wpe';
export const browserPaths: {
  firefox: string;
  miniBrowser: string;
  webKitWebDriver: string;
  cog: string;
  wpeWebDriver: string;
  xvfb: string;
};
export const enginePackages: Record<Engine, string>;
export function hasEngine(engine: Engine): boolean;
export function safariLink(): string;
export function startDisplay(): Promise<{ display: string; stop: () => Promise<void> }>;
export function startWebDriver(
  engine: 'webkit' | 'wpe',
  env?: Record<string, string>,
  port?: number,
): Promise<{ port: number; stop: () => Promise<void> }>;
export function webKitCapabilities(engine: 'webkit' | 'wpe'): Record<string, unknown>;
export function openWebKit(
  engine?: 'webkit' | 'wpe',
): Promise<{ browser: WdioBrowser; close: () => Promise<void> }>;
export function launchFirefox(options?: LaunchOptions): Promise<PuppeteerBrowser>;
