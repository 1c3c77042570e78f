import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORK_VERSIONS as V, installedProject, run, VERSIONS } from './installed';
import {
  namedSamples,
  replaced,
  runAsync,
  writeFiles,
  type IsCustomElement,
  type Svelte,
  type VueCompiler,
} from './page-samples';

// The framework pages' samples, taken from the pages as written, compiled in a
// fresh project per framework with the packed package installed: Angular by
// ngc (AOT, strictTemplates), Svelte by svelte-check and svelte/compiler, Nuxt's
// Vue page by vue/compiler-sfc with the nuxt.config sample's isCustomElement
// (Nuxt itself is not installed: docs/nuxt.md says why and what is left out).

const TAG = '<paypay-kyc-passport';
const COMPILER_OPTIONS = {
  strict: true,
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'bundler',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  types: [] as string[],
  skipLibCheck: true,
};

/** Writes `tsconfig.<name>.json` in `dir`; its file name. */
function tsconfig(dir: string, name: string, config: object): string {
  const file = `tsconfig.${name}.json`;
  writeFileSync(join(dir, file), JSON.stringify(config, null, 2));
  return file;
}

const errorLines = (output: string) =>
  output.split('\n').filter((l) => / error (NG|TS)\d+/.test(l));

describe('docs/angular.md, compiled by ngc (AOT, strictTemplates) with Angular 22', () => {
  const samples = namedSamples('docs/angular.md', ['ts']);
  const COMPONENT = 'src/app/verify-identity.ts';
  let app: string;

  /** ngc over `files` (path to text) under `dir`, in a project of their own. */
  function ngc(dir: string, files: Record<string, string>) {
    writeFiles(join(app, dir), files);
    const config = tsconfig(app, dir, {
      compilerOptions: { ...COMPILER_OPTIONS, rootDir: dir, outDir: `out/${dir}` },
      angularCompilerOptions: { strictTemplates: true, strictInjectionParameters: true },
      include: [dir],
    });
    return runAsync(join(app, 'node_modules/.bin/ngc'), ['-p', config], app);
  }

  beforeAll(() => {
    const { rxjs, tslib } = V;
    const angular = Object.entries(V).filter(([name]) => name.startsWith('@angular/'));
    const versions = { ...Object.fromEntries(angular), rxjs, tslib };
    app = installedProject('angular', { ...versions, typescript: VERSIONS.typescript });
  }, 300_000);

  it('has the entry, the component, the app and the lazy component', () => {
    expect(Object.keys(samples).sort()).toEqual([
      'src/app/app.ts',
      'src/app/lazy-verify.ts',
      COMPONENT,
      'src/main.ts',
    ]);
  });

  it.concurrent('compiles, the tag listened to for its event', async () => {
    const { output, status } = await ngc('good', samples);
    expect(output).toBe('');
    expect(status).toBe(0);
    const emitted = readFileSync(join(app, 'out/good/src/app/verify-identity.js'), 'utf8');
    expect(emitted).toMatch(/listener\("kyc-passport-complete"/i);
  });

  it.concurrent('fails without CUSTOM_ELEMENTS_SCHEMA, and with $event mistyped', async () => {
    // Two wrong copies of the page's component, one ngc run: one error each.
    const noSchema = replaced(samples[COMPONENT]!, 'schemas: [CUSTOM_ELEMENTS_SCHEMA],', '');
    const wrongEvent = replaced(
      samples[COMPONENT]!,
      '(kyc-passport-complete)="complete($event)"',
      '(kyc-passport-complete)="failed($event)"',
    );
    const { output, status } = await ngc('wrong', {
      'no-schema.ts': noSchema,
      'wrong-event.ts': wrongEvent,
    });
    expect(status).not.toBe(0);
    expect(
      errorLines(output)
        .map((line) => /^(\S+\.ts):\d+/.exec(line)?.[1])
        .sort(),
    ).toEqual(['wrong/no-schema.ts', 'wrong/wrong-event.ts']);
    expect(output).toContain("error NG8001: 'paypay-kyc-passport' is not a known element");
    expect(output).toContain(
      "error TS2345: Argument of type 'KycPassportCompleteEvent' is not assignable to parameter of type 'KycPassportErrorEvent'",
    );
  });

  it("on a server: Node's import defines nothing real; the browser build needs a DOM", () => {
    // What the pages' SSR notes say, run: the installed package imported by Node...
    const script = `await import('paypay-kyc-passport');
console.log(typeof customElements.get('paypay-kyc-passport'), typeof document);`;
    const node = run('node', ['--input-type=module', '-e', script], app);
    expect(node.stderr).toBe('');
    expect(node.stdout.trim()).toBe('function undefined');
    // ...and by a runtime that resolves the browser build and has no DOM.
    const browser = run('node', ['--conditions=browser', '--input-type=module', '-e', script], app);
    expect(browser.status).not.toBe(0);
    expect(browser.stderr).toContain('HTMLElement is not defined');
  });
});

describe('docs/svelte.md, checked by svelte-check and compiled by svelte/compiler', () => {
  const samples = namedSamples('docs/svelte.md', ['ts', 'svelte']);
  const COMPONENT = 'src/lib/VerifyIdentity.svelte';
  let app: string;

  beforeAll(() => {
    app = installedProject('svelte', {
      svelte: V.svelte,
      'svelte-check': V['svelte-check'],
      typescript: VERSIONS.typescript,
    });
    writeFiles(app, samples);
  }, 300_000);

  it('has the types entry, the component and the page; the project has no other framework', () => {
    expect(Object.keys(samples).sort()).toEqual([
      'src/app.d.ts',
      COMPONENT,
      'src/routes/kyc/+page.svelte',
    ]);
    for (const other of ['vue', 'preact', 'react']) {
      expect(existsSync(join(app, 'node_modules', other)), other).toBe(false);
    }
  });

  it('svelte-check: no problem in the samples; each wrong attribute or listener, one error', async () => {
    writeFiles(app, {
      'wrong/Wrong.svelte': `<script lang="ts">
  const click = (event: MouseEvent) => event.clientX;
</script>

${TAG} mode="big"></paypay-kyc-passport>
${TAG} onkyc-passport-complete={click}></paypay-kyc-passport>
${TAG} onkyc-passport-error={(event) => event.detail.nothing}></paypay-kyc-passport>
`,
    });
    const config = tsconfig(app, 'svelte', {
      compilerOptions: { ...COMPILER_OPTIONS, noEmit: true, skipLibCheck: false },
      include: ['src', 'wrong'],
    });
    const check = join(app, 'node_modules/.bin/svelte-check');
    const { output } = await runAsync(check, ['--tsconfig', config, '--output', 'machine'], app);
    expect(output).toMatch(/COMPLETED \d+ FILES 3 ERRORS 0 WARNINGS 1 FILES_WITH_PROBLEMS/);
    const problems = output.split('\n').filter((l) => / (ERROR|WARNING) /.test(l));
    const where = problems.map((l) => / "([^"]+)" (\d+):/.exec(l)?.slice(1, 3).join(':'));
    expect(where).toEqual(['wrong/Wrong.svelte:5', 'wrong/Wrong.svelte:6', 'wrong/Wrong.svelte:7']);
    expect(output).toContain("is not assignable to type 'DisplayMode | undefined'");
    expect(output).toContain("Property 'nothing' does not exist on type 'ErrorDetail'");
  });

  it("compiles each component without a warning, listening to the element's events", async () => {
    const url = pathToFileURL(join(app, 'node_modules/svelte/src/compiler/index.js')).href;
    const svelte = (await import(url)) as Svelte;
    const components = Object.keys(samples).filter((file) => file.endsWith('.svelte'));
    for (const file of components) {
      const { js, warnings } = svelte.compile(samples[file]!, {
        filename: file,
        generate: 'client',
      });
      expect(
        warnings.map((w) => `${w.code}: ${w.message}`),
        file,
      ).toEqual([]);
      if (file === COMPONENT) {
        expect(js.code).toMatch(/\$\.event\('kyc-passport-complete', \w+,/);
        expect(js.code).toMatch(/\$\.event\('kyc-passport-error', \w+,/);
      }
    }
    // Rendered by the server: the bare tag with its attributes; onMount (and
    // so the package's import) does not run there.
    const server = svelte.compile(samples[COMPONENT]!, { filename: COMPONENT, generate: 'server' });
    writeFileSync(join(app, 'VerifyIdentity.server.js'), server.js.code);
    const component = await import(pathToFileURL(join(app, 'VerifyIdentity.server.js')).href);
    const { render } = (await import(
      pathToFileURL(join(app, 'node_modules/svelte/src/server/index.js')).href
    )) as { render: (c: unknown, o: { props: object }) => { body: string } };
    const { body } = render(component.default, {
      props: { endpoint: 'https://kyc.example.com', ontoken: () => undefined },
    });
    expect(body).toContain(
      `${TAG} endpoint="https://kyc.example.com" lang="ja" mode="auto"></paypay-kyc-passport>`,
    );
    expect(globalThis.customElements).toBeUndefined();
  });
});

describe('docs/nuxt.md: the page by vue/compiler-sfc, the page and the Nitro route by vue-tsc', () => {
  const samples = namedSamples('docs/nuxt.md', ['ts', 'vue']);
  const PAGE = 'app/pages/kyc.vue';
  const PLUGIN = 'app/plugins/kyc-passport.client.ts';
  let app: string;
  let sfc: VueCompiler;

  /** The page compiled to TypeScript, the template inline, with or without the function. */
  function compiled(isCustomElement: IsCustomElement | undefined): string {
    const parsed = sfc.parse(samples[PAGE]!, {
      filename: 'kyc.vue',
      templateParseOptions: { isCustomElement },
    });
    expect(parsed.errors).toEqual([]);
    return sfc.compileScript(parsed.descriptor, { id: 'kyc', inlineTemplate: true }).content;
  }

  beforeAll(async () => {
    app = installedProject('nuxt', {
      vue: VERSIONS.vue,
      h3: V.h3,
      'vue-tsc': V['vue-tsc'],
      '@types/node': VERSIONS['@types/node'],
      typescript: VERSIONS.typescript,
    });
    sfc = await import(pathToFileURL(join(app, 'node_modules/vue/compiler-sfc/index.mjs')).href);
  }, 300_000);

  it('has the config, the plugin, the types entry, the page and the route', () => {
    expect(Object.keys(samples).sort()).toEqual([
      'app/pages/kyc.vue',
      PLUGIN,
      'app/types/paypay-kyc-passport.d.ts',
      'nuxt.config.ts',
      'server/api/kyc/exchange.post.ts',
    ]);
  });

  it("compiles the tag as an element with nuxt.config's isCustomElement", async () => {
    // Nuxt's defineNuxtConfig returns its argument; the config's own code is run.
    const { outputText } = ts.transpileModule(samples['nuxt.config.ts']!, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const config = join(app, 'nuxt.config.mjs');
    writeFileSync(config, `const defineNuxtConfig = (config) => config;\n${outputText}`);
    const { default: nuxt } = await import(pathToFileURL(config).href);
    const isCustomElement = nuxt.vue.compilerOptions.isCustomElement as IsCustomElement;
    expect(isCustomElement('ClientOnly')).toBe(false);

    const page = compiled(isCustomElement);
    expect(page).toContain('_createElementVNode("paypay-kyc-passport", {');
    expect(page).toContain('onKycPassportComplete: done');
    // Without it, Vue would look for a component of that name.
    expect(compiled(undefined)).toContain('_resolveComponent("paypay-kyc-passport")');
  });

  it('vue-tsc: the page, the types entry and the route check; a wrong tag fails', async () => {
    const { [PLUGIN]: plugin, ['nuxt.config.ts']: config, ...checked } = samples;
    expect([plugin, config]).not.toContain(undefined);
    writeFiles(app, {
      ...checked,
      'wrong/Wrong.vue': `<script setup lang="ts">
const click = (event: MouseEvent) => event.clientX;
</script>

<template>
  ${TAG} mode="big" />
  ${TAG} @kyc-passport-complete="click" />
</template>
`,
    });
    const project = tsconfig(app, 'nuxt', {
      compilerOptions: { ...COMPILER_OPTIONS, types: ['node'], noEmit: true },
      include: ['app/pages', 'app/types', 'server', 'wrong'],
    });
    const check = join(app, 'node_modules/.bin/vue-tsc');
    const { output, status } = await runAsync(check, ['-p', project], app);
    expect(status).not.toBe(0);
    const where = errorLines(output).map((l) => /^([\w/.]+)\((\d+),/.exec(l)?.slice(1).join(':'));
    expect(where).toEqual(['wrong/Wrong.vue:6', 'wrong/Wrong.vue:7']);
    expect(output).toContain(`Type '"big"' is not assignable to type 'DisplayMode | undefined'`);
  });

  it('the plugin: a .client plugin importing the package, which parses', () => {
    const plugin = samples[PLUGIN]!;
    expect(plugin.split('\n')).toContain("import 'paypay-kyc-passport';");
    const { diagnostics } = ts.transpileModule(plugin, { reportDiagnostics: true });
    expect(diagnostics).toEqual([]);
    expect(existsSync(join(app, 'node_modules/nuxt'))).toBe(false);
  });
});
