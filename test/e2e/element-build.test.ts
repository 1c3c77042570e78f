import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIC_SCRIPT_BUDGET, checkBudget, gzipSize } from '../../scripts/lib/budget.mjs';
import { elementBuild, elementPlugins } from '../../scripts/lib/element-build.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kyc-element-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `length` characters that gzip can hardly shrink (base64 of random bytes: about 3/4). */
function noise(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

function budgetCli(file: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(root, 'scripts/lib/budget.mjs'), file], {
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the size budget of the classic script', () => {
  it('fails a file over the budget, with its gzip size and the budget in the message', () => {
    const file = join(dir, 'over.iife.js');
    writeFileSync(file, `var x=${JSON.stringify(noise(CLASSIC_SCRIPT_BUDGET * 2))};`);
    const result = checkBudget(file);
    expect(result.size).toBe(gzipSize(readFileSync(file)));
    expect(result.size).toBeGreaterThan(CLASSIC_SCRIPT_BUDGET);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('over its size budget');
    expect(result.message).toContain(`${result.size.toLocaleString('en')} B gzip`);
    expect(result.message).toContain(`budget ${CLASSIC_SCRIPT_BUDGET.toLocaleString('en')} B`);

    const cli = budgetCli(file);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(result.message);
  });

  it('passes a file within the budget, saying what is left', () => {
    const file = join(dir, 'small.iife.js');
    writeFileSync(file, `var x=${JSON.stringify(noise(1_000))};`);
    const result = checkBudget(file);
    expect(result.ok).toBe(true);
    expect(result.message).toContain('B left');
    expect(budgetCli(file).status).toBe(0);
  });

  it('passes the built classic script, and fails it with 2 kB more', () => {
    const built = readFileSync(join(root, 'dist/paypay-kyc-passport.iife.js'), 'utf8');
    expect(checkBudget(join(root, 'dist/paypay-kyc-passport.iife.js')).ok).toBe(true);
    // What a 2 kB string planted in the element adds, without touching its source.
    const file = join(dir, 'planted.iife.js');
    writeFileSync(file, `${built}\nwindow.__planted=${JSON.stringify(noise(2_048))};`);
    expect(checkBudget(file).ok).toBe(false);
    expect(budgetCli(file).status).toBe(1);
  });
});

/** What a transform hook after every other plugin is given for each file under node_modules. */
function sourcesSeen(seen: Map<string, string>): Plugin {
  return {
    name: 'test-node-modules-as-installed',
    enforce: 'post',
    transform(code, id) {
      if (id.includes('/node_modules/')) seen.set(id, code);
      return null;
    },
  };
}

describe('the dependencies in the element, as installed (scripts/lib/element-build.mjs)', () => {
  it('bundles every file of lit, qrcode and dijkstrajs exactly as it is on disk', async () => {
    const seen = new Map<string, string>();
    // As `npm run build` builds it: vite picks lit's production files only when
    // NODE_ENV says production, and vitest sets it to 'test'.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const output = (await build({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'silent',
      plugins: [sourcesSeen(seen)],
      build: { write: false, outDir: join(dir, 'element') },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    })) as Rollup.RollupOutput[];
    const iife = output.find((o) => o.output[0].fileName.endsWith('.iife.js'))!.output[0];
    const bundled = iife.map!.sources.filter((source) => source.includes('/node_modules/'));
    expect(bundled.some((s) => s.endsWith('/node_modules/qrcode/lib/core/qrcode.js'))).toBe(true);
    expect(bundled.some((s) => s.endsWith('/node_modules/dijkstrajs/dijkstra.js'))).toBe(true);
    expect(bundled.some((s) => s.endsWith('/node_modules/lit-html/lit-html.js'))).toBe(true);
    // Each bundled dependency file reached the last transform hook as its bytes on disk.
    const ids = [...seen.keys()].map((id) => id.slice(id.indexOf('/node_modules/')));
    for (const source of bundled) {
      expect(ids, source).toContain(source.slice(source.indexOf('/node_modules/')));
    }
    for (const [id, code] of seen) expect(code, id).toBe(readFileSync(id, 'utf8'));
  });
});

/** A QR code's every observable: version, mask, segments and the module matrix. */
interface Encoded {
  version: number;
  maskPattern: number;
  segments: { mode: { id: string }; data: unknown }[];
  modules: { size: number; data: Uint8Array };
}
type Create = (text: string, options: { errorCorrectionLevel: string }) => Encoded;

const require = createRequire(import.meta.url);
const original = (require('qrcode/lib/core/qrcode.js') as { create: Create }).create;

/** qrcode's encoder bundled and minified as the classic script is (terser, then oxc). */
async function minified(): Promise<Create> {
  const entry = require.resolve('qrcode/lib/core/qrcode.js');
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    root,
    plugins: elementPlugins(),
    build: {
      ...elementBuild,
      write: false,
      lib: { entry, name: 'QrCore', formats: ['iife'], fileName: () => 'core.js' },
    },
  })) as Rollup.RollupOutput[];
  const { code } = output[0]!.output[0];
  return (new Function(`${code}\nreturn QrCore;`)() as { create: Create }).create;
}

function observed(qr: Encoded): unknown {
  return {
    version: qr.version,
    maskPattern: qr.maskPattern,
    segments: qr.segments.map((segment) => [segment.mode.id, String(segment.data)]),
    size: qr.modules.size,
    modules: Buffer.from(qr.modules.data).toString('base64'),
  };
}

/** Texts that take every mode, both segmentations and a range of versions. */
const texts = [
  'https://qr.paypay.ne.jp/28180104kYm3oX4gP2cJqW9s',
  'https://qr.paypay.ne.jp/281801041234567890123456789012345678901234567890',
  'http://127.0.0.1:8788/_sandbox/qr/0123456789abcdef0123456789abcdef?nonce=AbC-dEf_123',
  'HTTPS://EXAMPLE.COM/UPPER/CASE/1234567890',
  '0123456789'.repeat(30),
  'paypay://kyc?code=本人確認&ref=テスト-001',
  'https://例え.jp/本人確認？ｑ＝ＰａｙＰａｙ・テスト※—',
  'a',
  `https://example.com/${'x'.repeat(900)}`,
  noise(300),
];

/** Letters (bytes to the encoder), as many as version `v` holds at level M: every version, full. */
const { getCapacity } = require('qrcode/lib/core/version.js') as {
  getCapacity: (version: number, level: unknown, mode: unknown) => number;
};
const levelM = (require('qrcode/lib/core/error-correction-level.js') as { M: unknown }).M;
const byteMode = (require('qrcode/lib/core/mode.js') as { BYTE: unknown }).BYTE;
const everyVersion = Array.from({ length: 40 }, (_, i) =>
  Array.from(randomBytes(getCapacity(i + 1, levelM, byteMode)), (b) =>
    String.fromCharCode(97 + (b % 26)),
  ).join(''),
);

/** The message `create` throws for `text`, or 'no error'. */
function refusal(create: Create, text: string, options: { errorCorrectionLevel: string }): string {
  try {
    create(text, options);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

// terser's compressor and oxc's minifier run over qrcode's code too: the QR codes must not change.
describe("qrcode's encoder minified as the classic script is (scripts/lib/element-build.mjs)", () => {
  it('encodes every text at level M, at every version, exactly as the original does', async () => {
    const create = await minified();
    const versions = new Set<number>();
    for (const text of [...texts, ...everyVersion]) {
      // What widget/qr.ts passes.
      const options = { errorCorrectionLevel: 'M' };
      expect(observed(create(text, options)), text).toEqual(observed(original(text, options)));
      versions.add(create(text, options).version);
    }
    expect(versions.size).toBe(40);
  });

  it('refuses what the original refuses, with the same message', async () => {
    const create = await minified();
    for (const text of ['', 'x'.repeat(2_400)]) {
      const options = { errorCorrectionLevel: 'M' };
      expect(refusal(create, text, options)).toBe(refusal(original, text, options));
      expect(refusal(create, text, options)).not.toBe('no error');
    }
  });
});
