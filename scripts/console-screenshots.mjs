// `node scripts/console-screenshots.mjs`: pictures of each page of the merchant's
// console, light and dark, in Japanese, against the same fake API as its test
// (scripts/lib/console-fake.mjs), from the built console (run `npm run build`
// first). Written to docs/screenshots/console-<page>-<scheme>.png.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumPath } from './lib/chromium.mjs';
import { startConsoleFake } from './lib/console-fake.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist', 'console');
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/console/ is missing: run `npm run build` first.');
  process.exit(1);
}
const out = join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const fake = await startConsoleFake(dist);
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });

/** What each page shows once it is filled: the doctor run, a user looked up. */
const PAGES = {
  overview: async (page) => page.waitForSelector('.funnel'),
  deliveries: async (page) => page.waitForSelector('[data-list="failed"]'),
  user: async (page) => {
    await page.fill('#user-id', 'uaid-console-1');
    await page.click('form[role="search"] button');
    await page.waitForSelector('[data-standing]');
  },
  doctor: async (page) => {
    await page.click('main .toolbar button');
    await page.waitForSelector('table.doctor');
  },
};

try {
  for (const scheme of ['light', 'dark']) {
    for (const [name, fill] of Object.entries(PAGES)) {
      const context = await browser.newContext({
        colorScheme: scheme,
        viewport: { width: 1100, height: 900 },
        deviceScaleFactor: 1,
        locale: 'ja-JP',
      });
      const page = await context.newPage();
      await page.goto(`${fake.url}#/${name === 'overview' ? '' : name}`);
      await page.waitForSelector('main h1');
      await fill(page);
      await page.waitForTimeout(100);
      const file = join(out, `console-${name}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      await context.close();
      console.log(`docs/screenshots/console-${name}-${scheme}.png`);
    }
  }
  // The overview on a phone, as an operator on the move sees it.
  const phone = await browser.newContext({
    viewport: { width: 375, height: 800 },
    locale: 'ja-JP',
    colorScheme: 'light',
  });
  const page = await phone.newPage();
  await page.goto(fake.url);
  await PAGES.overview(page);
  await page.screenshot({ path: join(out, 'console-overview-phone.png'), fullPage: true });
  console.log('docs/screenshots/console-overview-phone.png');
} finally {
  await browser.close();
  await fake.stop();
}
