import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { namedFile, samplesOf, type Sample } from './docs';
import { installedProject, run, VERSIONS } from './installed';
import * as elementEvents from '../../widget/events';

/** How a Vite or Next.js app is set up (their templates skip library checks, as here). */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    jsx: 'react-jsx',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src'],
};

/** The docs' TypeScript samples for the browser and frameworks, each compiled as a file. */
const SAMPLE_DOCS = ['docs/embedding.md', 'docs/api.md', 'docs/quickstart.md'];

let app: string;

/** What the test uses of `vue/compiler-sfc` (installed in the app, not in our repository). */
interface VueCompiler {
  parse(source: string, options: { filename: string }): { descriptor: unknown; errors: unknown[] };
  compileScript(
    descriptor: unknown,
    options: { id: string; inlineTemplate: boolean },
  ): {
    content: string;
  };
}

/** `{name, type}` of each event class widget/events.ts exports, the name read from an instance. */
function eventClasses(): { name: string; type: string }[] {
  return Object.entries(elementEvents)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Event)
    .map(([type, value]) => {
      const EventClass = value as new (detail: object) => Event;
      return { name: new EventClass({}).type, type };
    });
}

function write(file: string, text: string): void {
  mkdirSync(dirname(join(app, file)), { recursive: true });
  writeFileSync(join(app, file), text);
}

/** `tsc -p` in the app; its output and exit status. */
function typecheck(project = 'tsconfig.json'): { status: number | null; output: string } {
  const result = run(join(app, 'node_modules/.bin/tsc'), ['-p', project], app);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function fileOf(sample: Sample, index: number): string {
  const named = namedFile(sample);
  const ext = sample.lang === 'tsx' ? 'tsx' : 'ts';
  return join('src', 'docs', `${index}-${named ?? `sample.${ext}`}`.replace(/\//g, '_'));
}

describe('the npm package, installed from its tarball into a fresh project', () => {
  beforeAll(() => {
    // A merchant's app: React 19, Preact and Vue next to our package, TypeScript strict.
    app = installedProject('shop', VERSIONS);
    write('tsconfig.json', JSON.stringify(TSCONFIG, null, 2));
  }, 300_000);

  it('is a real install (no link to the repository) with its entry points and manifest', () => {
    const installed = join(app, 'node_modules/paypay-kyc-passport');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.exports)).toEqual(
      expect.arrayContaining([
        '.',
        './react',
        './server',
        './worker',
        './jsx-react',
        './jsx-preact',
        './vue',
        './svelte',
        './custom-elements.json',
      ]),
    );
    const elements = JSON.parse(readFileSync(join(installed, manifest.customElements), 'utf8'));
    const element = elements.modules
      .flatMap((m: { declarations: { tagName?: string }[] }) => m.declarations)
      .find((d: { tagName?: string }) => d.tagName === 'paypay-kyc-passport');
    expect(element.attributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['endpoint', 'mode', 'lang', 'auto-start', 'session-provider']),
    );
    // Exactly the element's events: one per event class of widget/events.ts, typed by it.
    const events = element.events.map((e: { name: string; type?: { text: string } }) => ({
      name: e.name,
      type: e.type?.text,
    }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(events.sort(byName)).toEqual(eventClasses().sort(byName));
    expect(events).toHaveLength(5);
    // Only the element's bundles are static assets when a Worker serves dist/.
    expect(readFileSync(join(installed, 'dist/.assetsignore'), 'utf8')).toContain('worker/');
  });

  it("compiles the docs' TypeScript samples with React 19, Preact and Vue installed", () => {
    const samples = SAMPLE_DOCS.flatMap(samplesOf).filter((s) => ['ts', 'tsx'].includes(s.lang));
    expect(samples.length).toBeGreaterThanOrEqual(6);
    samples.forEach((sample, i) => write(fileOf(sample, i), sample.code));
    const { status, output } = typecheck();
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it("compiles the docs' Vue single-file components: template, and script as TypeScript", async () => {
    const sfc = (await import(
      pathToFileURL(join(app, 'node_modules/vue/compiler-sfc/index.mjs')).href
    )) as VueCompiler;
    const samples = SAMPLE_DOCS.flatMap(samplesOf).filter((s) => s.lang === 'vue');
    expect(samples.length).toBeGreaterThanOrEqual(1);
    samples.forEach((sample, i) => {
      const { descriptor, errors } = sfc.parse(sample.code, { filename: `Sample${i}.vue` });
      expect(errors, `${sample.file}:${sample.line}`).toEqual([]);
      const script = sfc.compileScript(descriptor, { id: `s${i}`, inlineTemplate: true });
      // The template compiled inline; the tag is a custom element, as the docs tell Vue.
      expect(script.content).toContain('paypay-kyc-passport');
      write(`src/vue/Sample${i}.ts`, script.content);
    });
    const { status, output } = typecheck();
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('runs the CLI from the installed bin: paypay-kyc --help', () => {
    const help = run(join(app, 'node_modules/.bin/paypay-kyc'), ['--help'], app);
    expect(help.status).toBe(0);
    for (const command of ['doctor', 'sandbox', 'trigger', 'recon', 'approve', 'events']) {
      expect(help.stdout).toContain(command);
    }
    const npx = run('npx', ['--no-install', 'paypay-kyc', 'approve', '--help'], app);
    expect(npx.status, npx.stderr).toBe(0);
    expect(npx.stdout).toContain('--outcome');
  });

  it('refuses a wrong attribute value, a wrong event type and a wrong prop, in each framework', () => {
    write(
      'wrong/env.d.ts',
      ['jsx-react', 'jsx-preact', 'vue']
        .map((entry) => `/// <reference types="paypay-kyc-passport/${entry}" />\n`)
        .join(''),
    );
    write(
      'wrong/react.tsx',
      `import 'paypay-kyc-passport';
export const a = <paypay-kyc-passport endpoint="https://kyc.example.com" mode="big" />;
export const b = <paypay-kyc-passport lang="fr" />;
export const c = <paypay-kyc-passport onkyc-passport-complete={(e: MouseEvent) => e.clientX} />;
`,
    );
    write(
      'wrong/wrapper.tsx',
      `import { KycPassport } from 'paypay-kyc-passport/react';
export const d = <KycPassport mode="big" />;
export const e = <KycPassport onComplete={(event) => event.detail.nothing} />;
`,
    );
    write(
      'wrong/preact.tsx',
      `/** @jsxImportSource preact */
import 'paypay-kyc-passport';
export const f = <paypay-kyc-passport mode="big" />;
`,
    );
    write(
      'wrong/vue.ts',
      `import 'paypay-kyc-passport';
import type { GlobalComponents } from 'vue';
type Props = InstanceType<GlobalComponents['paypay-kyc-passport']>['$props'];
export const good: Props = { endpoint: 'https://kyc.example.com', mode: 'qr' };
export const g: Props = { mode: 'big' };
`,
    );
    write('tsconfig.wrong.json', JSON.stringify({ ...TSCONFIG, include: ['wrong'] }, null, 2));
    const { status, output } = typecheck('tsconfig.wrong.json');
    expect(status).not.toBe(0);
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    // One error per wrong line, each where it is, and nothing else.
    const where = errors.map((line) =>
      /^(wrong\/[\w.]+)\((\d+),/.exec(line)?.slice(1, 3).join(':'),
    );
    expect(where.sort()).toEqual(
      [
        'wrong/react.tsx:2',
        'wrong/react.tsx:3',
        'wrong/react.tsx:4',
        'wrong/wrapper.tsx:2',
        'wrong/wrapper.tsx:3',
        'wrong/preact.tsx:3',
        'wrong/vue.ts:5',
      ].sort(),
    );
    expect(output).toContain('"big"');
  });
});
