import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORK_VERSIONS, installedProject, root, VERSIONS } from './installed';

// Each framework's types entry (`/jsx-react`, `/jsx-preact`, `/vue`, `/svelte`) in a project
// that has that framework alone, checked with `skipLibCheck: false`, so our
// declarations themselves are compiled, by TypeScript 5 and 6. One entry for all
// three failed there: React's project cannot resolve Preact's `HTMLAttributes`.

/** The last TypeScript 5, installed into each project; TypeScript 6 is this repository's own. */
const TYPESCRIPT_5 = '5.9.3';
const TSC_6 = join(root, 'node_modules/typescript/lib/tsc.js');

const FRAMEWORKS = ['react', 'preact', 'vue', 'svelte'] as const;
type Framework = (typeof FRAMEWORKS)[number];

interface Project {
  /** What npm installs beside the package. */
  dependencies: Record<string, string>;
  /** Options beyond the common ones (JSX). */
  compilerOptions: Record<string, string>;
  /** The project's sources: one reference to the entry, and code using the tag. */
  files: Record<string, string>;
}

const COMPLETE = 'paypay-kyc-passport';
const PROJECTS: Record<Framework, Project> = {
  react: {
    dependencies: { react: VERSIONS.react, '@types/react': VERSIONS['@types/react'] },
    compilerOptions: { jsx: 'react-jsx' },
    files: {
      'src/env.d.ts': '/// <reference types="paypay-kyc-passport/jsx-react" />\n',
      'src/app.tsx': `import '${COMPLETE}';
import type { KycPassportCompleteEvent } from '${COMPLETE}';
import { KycPassport } from '${COMPLETE}/react';

export const tag = (
  <paypay-kyc-passport
    endpoint="https://kyc.example.com"
    mode="qr"
    onkyc-passport-complete={(e: KycPassportCompleteEvent) => e.detail.resultToken}
  />
);
export const wrapped = <KycPassport mode="qr" onComplete={(e) => e.detail.resultToken} />;
// @ts-expect-error: mode is auto, qr or button
export const wrong = <paypay-kyc-passport mode="big" />;
`,
    },
  },
  preact: {
    dependencies: { preact: VERSIONS.preact },
    compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact' },
    files: {
      'src/env.d.ts': '/// <reference types="paypay-kyc-passport/jsx-preact" />\n',
      'src/app.tsx': `import '${COMPLETE}';
import type { KycPassportCompleteEvent } from '${COMPLETE}';

export const tag = (
  <paypay-kyc-passport
    endpoint="https://kyc.example.com"
    mode="qr"
    onkyc-passport-complete={(e: KycPassportCompleteEvent) => e.detail.resultToken}
  />
);
// @ts-expect-error: mode is auto, qr or button
export const wrong = <paypay-kyc-passport mode="big" />;
`,
    },
  },
  vue: {
    dependencies: { vue: VERSIONS.vue },
    compilerOptions: {},
    files: {
      'src/env.d.ts': '/// <reference types="paypay-kyc-passport/vue" />\n',
      'src/app.ts': `import '${COMPLETE}';
import type { GlobalComponents } from 'vue';

type Props = InstanceType<GlobalComponents['paypay-kyc-passport']>['$props'];
export const props: Props = {
  endpoint: 'https://kyc.example.com',
  mode: 'qr',
  onKycPassportComplete: (e) => void e.detail.resultToken,
};
// @ts-expect-error: mode is auto, qr or button
export const wrong: Props = { mode: 'big' };
`,
    },
  },
  svelte: {
    dependencies: { svelte: FRAMEWORK_VERSIONS.svelte },
    compilerOptions: {},
    files: {
      'src/env.d.ts': '/// <reference types="paypay-kyc-passport/svelte" />\n',
      'src/app.ts': `import '${COMPLETE}';
import type { SvelteHTMLElements } from 'svelte/elements';

type Attributes = SvelteHTMLElements['paypay-kyc-passport'];
export const attributes: Attributes = {
  endpoint: 'https://kyc.example.com',
  mode: 'qr',
  'onkyc-passport-complete': (e) => void e.detail.resultToken,
};
// @ts-expect-error: mode is auto, qr or button
export const wrong: Attributes = { mode: 'big' };
`,
    },
  },
};

/**
 * The other frameworks, none of which a project may have. Not `@types/react`:
 * npm installs it everywhere as a peer of `@lit/react` (the `./react` wrapper's
 * dependency), and it declares no global JSX since React 19.
 */
const OTHERS: Record<Framework, string[]> = {
  react: ['preact', 'vue', '@vue/runtime-dom'],
  preact: ['react', 'vue', '@vue/runtime-dom'],
  vue: ['react', 'preact'],
  svelte: ['react', 'preact', 'vue'],
};

const projects = {} as Record<Framework, string>;

function create(framework: Framework): string {
  const { dependencies, compilerOptions, files } = PROJECTS[framework];
  const dir = installedProject(`types-${framework}`, { ...dependencies, typescript: TYPESCRIPT_5 });
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      noEmit: true,
      skipLibCheck: false,
      ...compilerOptions,
    },
    include: ['src'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** `node <tsc> <args>` in `dir`, to its end; what it printed and its exit status. */
function node(
  tsc: string,
  args: string[],
  dir: string,
): Promise<{ output: string; status: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, ...args],
      { cwd: dir, timeout: 120_000 },
      (error, out, err) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ output: `${out}${err}`, status });
      },
    );
  });
}

describe("each framework's types entry, alone with its framework, skipLibCheck off", () => {
  beforeAll(() => {
    for (const framework of FRAMEWORKS) projects[framework] = create(framework);
  }, 600_000);

  it.each(FRAMEWORKS)('%s: the project has that framework and no other', (framework) => {
    for (const name of OTHERS[framework]) {
      expect(existsSync(join(projects[framework], 'node_modules', name)), name).toBe(false);
    }
  });

  // Concurrent: each compilation is one process of its own, and together they
  // take about half the time on two cores.
  it.concurrent.each(
    FRAMEWORKS.flatMap((framework) => [5, 6].map((major) => [framework, major] as const)),
  )('%s compiles with TypeScript %i', async (framework, major) => {
    const dir = projects[framework];
    const tsc = major === 5 ? join(dir, 'node_modules/typescript/lib/tsc.js') : TSC_6;
    const version = await node(tsc, ['--version'], dir);
    expect(version.output.trim()).toBe(
      `Version ${major === 5 ? TYPESCRIPT_5 : VERSIONS.typescript}`,
    );
    const { output, status } = await node(tsc, ['-p', 'tsconfig.json'], dir);
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
