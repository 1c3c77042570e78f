import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import tseslint from 'typescript-eslint';
import typeCycles from './scripts/eslint-type-cycles.mjs';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '**/.wrangler/', '.cache/', '**/*.d.ts', 'docs/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': ['error', { allow: ['log', 'warn', 'error'] }],
    },
  },
  // The walls: widget, worker and sandbox each import shared/ only, shared/
  // imports nothing of ours, routes never import routes, and no import cycle,
  // not even one of types only (import-x/no-cycle skips `import type`, with no
  // option to count it: type-cycles/no-type-cycle reports those).
  {
    files: [
      'widget/**/*.ts',
      'worker/**/*.ts',
      'sandbox/**/*.ts',
      'shared/**/*.ts',
      'react/**/*.ts',
      'server/**/*.ts',
    ],
    plugins: { 'import-x': importX, 'type-cycles': typeCycles },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'type-cycles/no-type-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...wall('./widget', ['./worker', './sandbox', './test', './scripts']),
            ...wall('./worker', ['./widget', './sandbox', './test', './scripts']),
            ...wall('./sandbox', ['./widget', './worker', './test', './scripts']),
            ...wall('./shared', ['./widget', './worker', './sandbox', './test', './scripts']),
            // The published merchant-server helper stands alone: not even shared/.
            ...[
              './widget',
              './worker',
              './sandbox',
              './shared',
              './react',
              './test',
              './scripts',
            ].map((from) => ({
              target: './server',
              from,
              message: `server/ is published alone: it imports nothing of ours (${from.slice(2)}/).`,
            })),
            // The React wrapper wraps the element, nothing else.
            ...wall('./react', ['./worker', './sandbox', './test', './scripts']),
            {
              target: './worker/routes',
              from: './worker/routes',
              message: 'A route never imports a route: shared helpers live below routes.',
            },
          ],
        },
      ],
    },
  },
  // server/ runs on Node 18+, Workers, Deno and Bun: web APIs only, no Node built-ins.
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'server/ uses web APIs only (fetch, WebCrypto).' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', 'window', 'document'],
    },
  },
  {
    files: ['widget/**/*.ts', 'test/widget/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['widget/**/*.ts', 'test/widget/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['demo/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['scripts/**/*.mjs', 'demo/**/*.mjs', 'cli/**/*.mjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
);

/** A folder that may not import from the others (DESIGN: one direction only, through shared/). */
function wall(target, from) {
  return from.map((source) => ({
    target,
    from: source,
    message: `${target.slice(2)}/ imports shared/ only, never ${source.slice(2)}/.`,
  }));
}
