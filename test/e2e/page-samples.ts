import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { namedFile, samplesOf } from './docs';

/**
 * The code samples of a framework page (docs/angular.md, svelte.md, nuxt.md),
 * by the file each names in its first line, in the languages given. Throws if
 * one has no name or two share one: every sample must land somewhere the test
 * compiles it, under the path the page shows (so their relative imports work).
 */
export function namedSamples(page: string, langs: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const sample of samplesOf(page).filter((s) => langs.includes(s.lang))) {
    const name = namedFile(sample);
    const where = `${page}:${sample.line}`;
    if (name === null) throw new Error(`${where}: a sample without its file's name`);
    if (name in files) throw new Error(`${where}: ${name} twice`);
    files[name] = sample.code;
  }
  return files;
}

/** Writes `files` (path to text) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

/** `text` with `from` replaced by `to`; throws if `from` is not there (the page changed). */
export function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the sample no longer holds ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/**
 * Runs a command to its end without blocking the test process (so two
 * compilers can share the two cores); what it printed, colours stripped, and
 * its exit status.
 */
export function runAsync(
  command: string,
  args: string[],
  cwd: string,
  timeout = 180_000,
): Promise<{ output: string; status: number }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
      (error, out, err) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        // eslint-disable-next-line no-control-regex
        resolve({ output: `${out}${err}`.replace(/\u001b\[[0-9;]*m/g, ''), status });
      },
    );
  });
}

/** What the test uses of `svelte/compiler` (installed in the app, not in our repository). */
export interface Svelte {
  compile(
    source: string,
    options: { filename: string; generate: 'client' | 'server' },
  ): { js: { code: string }; warnings: { code: string; message: string }[] };
}

/** What the test uses of `vue/compiler-sfc` (installed in the app, not in our repository). */
export interface VueCompiler {
  parse(
    source: string,
    options: { filename: string; templateParseOptions: { isCustomElement?: IsCustomElement } },
  ): { descriptor: unknown; errors: unknown[] };
  compileScript(
    descriptor: unknown,
    options: { id: string; inlineTemplate: boolean },
  ): { content: string };
}
export type IsCustomElement = (tag: string) => boolean;
