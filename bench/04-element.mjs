// The element in Chromium against the local stack: time from navigation to its
// QR on screen (median of cold loads), and the classic script's gzip size beside
// its budget (scripts/lib/budget.mjs) and beside its floor, lit + qrcode's encoder
// alone bundled the same way, with where the bytes go. The element is built
// afresh into .cache/bench/element (dist/ is left alone: tests may be serving it).
import { createServer } from 'node:http';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { percentile } from './_bundle.mjs';
import { CLASSIC_SCRIPT_BUDGET, CLASSIC_SCRIPT_TARGET, gzipSize } from '../scripts/lib/budget.mjs';
import { chromiumArgs, chromiumPath } from '../scripts/lib/chromium.mjs';
import { startStack } from '../scripts/lib/stack.mjs';

export const name = 'The element: classic script size, and script load to QR on screen (Chromium)';

const LOADS = Number(process.env.BENCH_ELEMENT_LOADS ?? 20);
const WARMUP = 2;
const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.cache', 'bench', 'element');
const SCRIPT = 'paypay-kyc-passport.iife.js';

const bytes = (n) => `${n.toLocaleString('en')} B`;

/** The element's two bundles, built with vite.config.ts into `out`. */
async function buildElement() {
  const { build } = await import('vite');
  await build({
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true },
  });
  return readFileSync(join(out, SCRIPT));
}

/** lit (what the element imports of it) and qrcode's encoder, nothing else, bundled the same way. */
async function buildFloor() {
  const { build } = await import('vite');
  const { elementBuild, elementPlugins } = await import('../scripts/lib/element-build.mjs');
  const entry = join(out, 'floor-entry.js');
  writeFileSync(
    entry,
    "import { LitElement, css, html, nothing, svg } from 'lit';\n" +
      "import { create } from 'qrcode/lib/core/qrcode.js';\n" +
      'export { LitElement, css, html, nothing, svg, create };\n',
  );
  const [result] = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: elementPlugins(),
    build: {
      ...elementBuild,
      write: false,
      lib: { entry, name: 'Floor', formats: ['iife'], fileName: () => 'floor.js' },
    },
  });
  return result.output[0].code;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Each generated line's segments, `[column, source index or -1]`, from a source map. */
function decodeMappings(mappings) {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    const segments = [];
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      segments.push([column, fields.length > 1 ? source : -1]);
    }
    return segments;
  });
}

/** What a source of the bundle is, for the breakdown. */
function groupOf(source) {
  if (source === null) return 'bundler glue (IIFE, exports)';
  if (/node_modules\/(lit|lit-html|lit-element|@lit)\//.test(source)) return 'lit';
  if (/node_modules\/(qrcode|dijkstrajs)\//.test(source)) return 'qrcode encoder (+ dijkstrajs)';
  if (source.endsWith('widget/i18n.ts')) return 'strings, ja + en (i18n.ts)';
  if (source.endsWith('.styles.ts')) return 'styles';
  if (/widget\/(paypay-kyc-passport|templates|qr)\.ts$/.test(source))
    return 'element, templates, QR path';
  return 'controllers, session API, events';
}

/** The bundle's bytes by group (through its source map): minified, and gzip of each group alone. */
function breakdown(code, map) {
  const texts = new Map();
  const lines = code.split('\n');
  decodeMappings(map.mappings).forEach((segments, index) => {
    const line = lines[index] ?? '';
    let at = 0;
    const add = (source, text) => {
      const group = groupOf(source);
      texts.set(group, (texts.get(group) ?? '') + text);
    };
    segments.forEach(([column, source], i) => {
      if (column > at) add(null, line.slice(at, column));
      const end = segments[i + 1]?.[0] ?? line.length;
      add(source >= 0 ? map.sources[source] : null, line.slice(column, end));
      at = end;
    });
    if (at < line.length) add(null, line.slice(at));
  });
  return [...texts]
    .map(([group, text]) => ({ group, raw: Buffer.byteLength(text), gzip: gzipSize(text) }))
    .sort((a, b) => b.gzip - a.gzip);
}

/** The merchant's page: the classic script in <head>, the element in <body>, marks on the way. */
function pageHtml(workerUrl) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script>
  window.marks = {};
  document.addEventListener('kyc-passport-ready', async (event) => {
    marks.ready = performance.now();
    await event.target.updateComplete;
    if (event.target.shadowRoot.querySelector('svg[part~="qr"] path[d]')) marks.svg = performance.now();
    // The frame that paints it: after its requestAnimationFrame, once the frame is done.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (marks.frame = performance.now());
      channel.port2.postMessage(0);
    });
  });
</script>
<script src="/${SCRIPT}"></script>
<script>marks.evaluated = customElements.get('paypay-kyc-passport') ? performance.now() : -1;</script>
</head><body><paypay-kyc-passport endpoint="${workerUrl}" mode="qr"></paypay-kyc-passport></body></html>`;
}

/** Serves the page and the script (gzip, as a CDN sends it) on the origin the Worker allows. */
async function servePage(origin, workerUrl, script) {
  const html = pageHtml(workerUrl);
  const gzipped = gzipSync(script, { level: 9 });
  const server = createServer((request, response) => {
    if (request.url === `/${SCRIPT}`) {
      response.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Encoding': 'gzip',
        'Cache-Control': 'no-store',
      });
      response.end(gzipped);
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(html);
    }
  });
  const { hostname, port } = new URL(origin);
  await new Promise((resolve) => server.listen(Number(port), hostname, resolve));
  return server;
}

/** One cold load (a fresh context: empty cache); its marks, in ms from navigation start. */
async function load(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => globalThis.marks?.frame !== undefined, null, {
      timeout: 15_000,
    });
    return await page.evaluate(() => {
      const entry = (end) =>
        performance.getEntriesByType('resource').find((e) => e.name.endsWith(end));
      const script = entry('.iife.js');
      const session = entry('/v1/sessions');
      return {
        ...globalThis.marks,
        scriptStart: script.startTime,
        scriptEnd: script.responseEnd,
        sessionStart: session.startTime,
        sessionEnd: session.responseEnd,
      };
    });
  } finally {
    await context.close();
  }
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms`;
}

export async function run(log) {
  mkdirSync(out, { recursive: true });
  const script = await buildElement();
  const map = JSON.parse(readFileSync(join(out, `${SCRIPT}.map`), 'utf8'));
  const size = gzipSize(script);
  const floor = gzipSize(await buildFloor());
  const module = readFileSync(join(out, 'paypay-kyc-passport.js'));

  log(
    `classic script: ${bytes(size)} gzip (${bytes(script.length)} minified); budget ${bytes(CLASSIC_SCRIPT_BUDGET)} (${size <= CLASSIC_SCRIPT_BUDGET ? 'within' : 'OVER'}), target ${bytes(CLASSIC_SCRIPT_TARGET)} (${size <= CLASSIC_SCRIPT_TARGET ? 'met' : `${bytes(size - CLASSIC_SCRIPT_TARGET)} to go`})`,
  );
  log(
    `floor, lit + qrcode's encoder alone, bundled the same way: ${bytes(floor)} gzip; the element is ${(size / floor).toFixed(2)}x it, ${bytes(size - floor)} of its own`,
  );
  log(`ES module bundle: ${bytes(gzipSize(module))} gzip (${bytes(module.length)}, unminified)`);
  log('where the classic script bytes go (minified, and gzip of each part alone):');
  for (const part of breakdown(script.toString('utf8'), map)) {
    log(
      `  ${part.group.padEnd(34)} ${bytes(part.raw).padStart(9)}  ${bytes(part.gzip).padStart(8)}`,
    );
  }

  const { chromium } = await import('playwright');
  const persistTo = join(root, '.wrangler', `bench-element-${process.pid}`);
  const stack = await startStack({
    demo: false,
    log: () => {},
    persistTo,
    workerOverrides: { SESSION_RATE_LIMIT_PER_MINUTE: '1000' },
  });
  const server = await servePage(stack.demoUrl, stack.workerUrl, script);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const runs = [];
    for (let i = 0; i < WARMUP + LOADS; i++) {
      const marks = await load(browser, `${stack.demoUrl}/`);
      if (i >= WARMUP) runs.push(marks);
    }
    const of = (pick) => summary(runs.map(pick));
    log(`navigation -> QR in the DOM: ${of((m) => m.svg)} (n=${runs.length}, cold cache each)`);
    log(`navigation -> first frame with the QR: ${of((m) => m.frame)}`);
    log(`script request -> QR in the DOM: ${of((m) => m.svg - m.scriptStart)}`);
    log(
      `  script downloaded ${of((m) => m.scriptEnd - m.scriptStart)}; evaluated (element defined) ${of((m) => m.evaluated - m.scriptEnd)} later`,
    );
    log(
      `  POST /v1/sessions (Worker + sandbox) ${of((m) => m.sessionEnd - m.sessionStart)}; answer -> QR in the DOM ${of((m) => m.svg - m.sessionEnd)}`,
    );
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
