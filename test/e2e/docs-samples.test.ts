import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { namedFile, samplesOf, type Sample } from './docs';
import { root, run } from './installed';
import { compileJava, requireTool } from './recipes';

/**
 * Every code sample of the docs is compiled or checked against what it names.
 * TypeScript and Vue samples are compiled against the installed package
 * (package.test.ts); here: JSON is parsed, JavaScript compiled, markup and CSS
 * checked against the element's manifest, and commands against our routes,
 * npm scripts, CLI commands and wrangler's own commands.
 */
const pages = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `${dir}/${f}`);
// The Japanese pages' code is the English pages' but for comment lines
// (docs-ja.test.ts); checked here too, so a Japanese comment cannot break a sample.
const DOCS = [
  'README.md',
  'README.ja.md',
  'CONTRIBUTING.md',
  'sandbox/README.md',
  ...pages('docs'),
  ...pages('docs/ja'),
];
const samples = DOCS.flatMap(samplesOf);
const of = (...langs: string[]) => samples.filter((s) => langs.includes(s.lang));
const where = (s: Sample) => `${s.file}:${s.line}`;

/**
 * Languages a test here, in package.test.ts or (the framework pages' ts, vue
 * and svelte) in framework-samples.test.ts handles; a block without one is
 * prose (diagrams, CSP text).
 */
const HANDLED = [
  'ts',
  'tsx',
  'vue',
  'svelte',
  'js',
  'json',
  'jsonc',
  'html',
  'css',
  'sh',
  'toml',
  '',
];
/** The server recipes' languages (docs/servers.md): each block is a part of a recipe file. */
const RECIPE_LANGS = ['php', 'python', 'java'];
/** Compiles stdin as Python, writing nothing (py_compile would leave a __pycache__). */
const PYTHON_SYNTAX =
  "import sys, textwrap; compile(textwrap.dedent(sys.stdin.read()), 'sample', 'exec')";

const manifest = JSON.parse(readFileSync(join(root, 'dist/custom-elements.json'), 'utf8'));
const element = manifest.modules
  .flatMap((m: { declarations: unknown[] }) => m.declarations)
  .find((d: { tagName?: string }) => d.tagName === 'paypay-kyc-passport') as {
  attributes: { name: string }[];
  cssParts: { name: string }[];
  cssProperties: { name: string }[];
};
const openapi = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Allowed values of the enumerated attributes (the JSX types hold the same). */
const VALUES: Record<string, string[]> = {
  mode: ['auto', 'qr', 'button'],
  lang: ['ja', 'en'],
  'redirect-type': ['WEB_LINK', 'APP_DEEP_LINK'],
};
const GLOBAL_ATTRIBUTES = ['id', 'class', 'style', 'hidden', 'slot', 'part'];

describe('the code samples of the docs', () => {
  it('are all in a language a test checks', () => {
    const unhandled = samples.filter((s) => ![...HANDLED, ...RECIPE_LANGS].includes(s.lang));
    expect(unhandled.map((s) => `${where(s)} ${s.lang}`)).toEqual([]);
    expect(samples.length).toBeGreaterThan(30);
  });

  it('JSON parses', () => {
    for (const s of of('json')) expect(() => JSON.parse(s.code), where(s)).not.toThrow();
  });

  it('JSONC (wrangler.jsonc) parses, comments and all', () => {
    for (const s of of('jsonc')) {
      const parsed = ts.parseConfigFileTextToJson(`${s.file}.jsonc`, s.code);
      expect(parsed.error, where(s)).toBeUndefined();
    }
  });

  it('TOML is key = value lines under [tables]', () => {
    for (const s of of('toml')) {
      for (const line of s.code.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))) {
        expect(line, where(s)).toMatch(/^(\[\[?[\w.]+\]\]?|[A-Za-z_][\w-]* = .+)$/);
      }
    }
  });

  it('JavaScript compiles', () => {
    for (const s of of('js')) {
      expect(() => transformSync(s.code, { loader: 'js', format: 'esm' }), where(s)).not.toThrow();
    }
  });

  it('PHP parses (php -l, Debian package php-cli)', () => {
    const php = run('php', ['--version'], root);
    if (php.status !== 0) throw new Error('php is missing: apt-get install -y php-cli');
    const dir = mkdtempSync(join(tmpdir(), 'docs-php-'));
    for (const [i, s] of of('php').entries()) {
      const file = join(dir, `sample-${i}.php`);
      writeFileSync(file, s.code.startsWith('<?php') ? s.code : `<?php\n${s.code}`);
      const lint = run('php', ['-l', file], root);
      expect(lint.status, `${where(s)} ${lint.stdout}${lint.stderr}`).toBe(0);
    }
  });

  it("markup uses only the element's attributes, with allowed values, and scripts we build", () => {
    const names = element.attributes.map((a) => a.name);
    let tags = 0;
    for (const s of of('html')) {
      for (const tag of s.code.matchAll(/<paypay-kyc-passport\b([^>]*)>/g)) {
        tags++;
        for (const [, name, value] of tag[1]!.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
          expect([...names, ...GLOBAL_ATTRIBUTES], `${where(s)} ${name}`).toContain(name);
          if (VALUES[name!]) expect(VALUES[name!], `${where(s)} ${name}`).toContain(value);
        }
      }
      for (const src of s.code.matchAll(
        /src="[^"]*?\/((?:v\/[\d.]+\/)?paypay-kyc-passport[\w.]*\.js)"/g,
      )) {
        const file = src[1]!.replace(/^v\/[\d.]+\//, `v/${pkg.version}/`);
        expect(existsSync(join(root, 'dist', file)), `${where(s)} ${src[1]}`).toBe(true);
      }
    }
    expect(tags).toBeGreaterThanOrEqual(3);
  });

  it("CSS styles only the element's parts and custom properties", () => {
    const parts = element.cssParts.map((p) => p.name);
    const properties = element.cssProperties.map((p) => p.name);
    for (const s of of('css')) {
      for (const [, part] of s.code.matchAll(/::part\(([\w-]+)\)/g)) {
        expect(parts, where(s)).toContain(part);
      }
      for (const [, property] of s.code.matchAll(/(--kyc-passport-[\w-]+)\s*:/g)) {
        expect(properties, where(s)).toContain(property);
      }
    }
  });

  it('commands name our routes, npm scripts and commands that exist', () => {
    const commands = of('sh').flatMap((s) =>
      s.code
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((line) => ({ s, line: line.replace(/#.*$/, '').trim() }))
        .filter(({ line }) => line !== ''),
    );
    // A command repeated (on another page, or the Japanese one) is run once.
    const distinct = commands.filter(
      ({ line }, i) => commands.findIndex((c) => c.line === line) === i,
    );
    const wranglerCommands = new Set<string>();
    for (const { s, line } of distinct) {
      const npmRun = /\bnpm run ([\w:-]+)/.exec(line);
      if (npmRun) expect(Object.keys(pkg.scripts), `${where(s)} ${line}`).toContain(npmRun[1]);
      const curl = /\bcurl\b(?:.*-X (\w+))?.*?https?:\/\/[^/\s]+(\/[^\s"?]*)/.exec(line);
      if (curl) {
        const method = (curl[1] ?? 'GET').toLowerCase();
        const path = curl[2]!;
        const match = Object.entries(openapi.paths).find(([template]) =>
          new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
        );
        expect(match, `${where(s)} ${path}`).toBeDefined();
        expect(Object.keys(match![1]), `${where(s)} ${method} ${path}`).toContain(method);
      }
      const wrangler = /^(?:npx )?wrangler ((?:[a-z]+ ?){1,3})/.exec(line);
      if (wrangler) wranglerCommands.add(wrangler[1]!.trim().split(' ').slice(0, 2).join(' '));
      const cli = /\b(?:npx )?paypay-kyc ([a-z-]+)/.exec(line);
      if (cli) {
        const help = run('node', [join(root, 'cli/paypay-kyc.mjs'), cli[1]!, '--help'], root);
        expect(help.status, `${where(s)} ${line}`).toBe(0);
      }
    }
    for (const command of wranglerCommands) {
      const help = run(
        join(root, 'node_modules/.bin/wrangler'),
        [...command.split(' '), '--help'],
        root,
      );
      expect(help.status, `wrangler ${command}`).toBe(0);
    }
  }, 60_000);

  it('PHP, Python and Java are parts of the recipe files they name, and compile', () => {
    // docs/servers.md shows the recipes; other pages' PHP (hosted-page.md) is linted above.
    const blocks = of(...RECIPE_LANGS).filter(
      (s) => s.lang !== 'php' || /recipes\//.test(s.code.split('\n')[0]!),
    );
    expect(
      of('python', 'java').filter((s) => !blocks.includes(s)),
      'Python and Java are shown from the recipes only',
    ).toEqual([]);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const s of blocks) {
      const file = namedFile(s);
      expect(file, `${where(s)}: its first line names its recipe file`).toMatch(
        new RegExp(`^recipes/${s.lang}/`),
      );
      // The rest is word for word in that file: the docs cannot drift from the code.
      const body = s.code.split('\n').slice(1).join('\n');
      expect(readFileSync(join(root, file!), 'utf8'), where(s)).toContain(body);
      if (s.lang === 'java') continue; // a method alone is no Java file: its file compiles below
      const check =
        s.lang === 'php'
          ? (requireTool('php'),
            spawnSync('php', ['-l'], { input: `<?php\n${body}`, encoding: 'utf8' }))
          : (requireTool('python3'),
            spawnSync('python3', ['-c', PYTHON_SYNTAX], { input: body, encoding: 'utf8' }));
      expect(check.status, `${where(s)} ${check.stdout}${check.stderr}`).toBe(0);
    }
    if (blocks.some((s) => s.lang === 'java')) {
      const { result } = compileJava();
      expect(result.status, result.stderr).toBe(0);
    }
  });
});
