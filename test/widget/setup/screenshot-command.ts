import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveScreenshotPath } from '@vitest/browser';
import type { BrowserCommand, BrowserCommandContext, TestProject } from 'vitest/node';

/** What vitest's page.screenshot() passes to its command. */
export interface ScreenshotOptions {
  path?: string;
  save?: boolean;
  element?: { selector?: string };
  target?: string;
}

/**
 * Gives a provider page.screenshot() through vitest's own command name (not in
 * its public types): `take` answers the PNG of what the options name, and this
 * resolves the path and saves it when asked, as vitest's own providers do. The
 * Firefox and WebKit providers differ only in how they take the picture.
 */
export function registerScreenshot(
  project: TestProject,
  take: (context: BrowserCommandContext, options: ScreenshotOptions) => Promise<Buffer>,
): void {
  const register = project.browser!.registerCommand.bind(project.browser) as (
    name: string,
    command: BrowserCommand<[name: string, options: ScreenshotOptions]>,
  ) => void;
  register('__vitest_takeScreenshot', async (context, name, options) => {
    const path = resolveScreenshotPath(
      context.testPath ?? '',
      name,
      context.project.config,
      options.path,
    );
    const buffer = await take(context, options);
    if (options.save) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, buffer);
    }
    return { buffer, path };
  });
}
