// Builds `paypay-kyc-passport/server`: dist/server/index.js (one ES2022 module,
// bundled by esbuild, web APIs only) and its declarations dist/server/*.d.ts
// (tsc), which import nothing outside dist/server.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const out = join(root, 'dist', 'server');
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'server', 'index.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // No Node built-in may reach the bundle: it must run on Workers, Deno and Bun too.
  external: [],
  logLevel: quiet ? 'warning' : 'info',
});

const program = ts.createProgram([join(root, 'server', 'index.ts')], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
  declaration: true,
  emitDeclarationOnly: true,
  rootDir: join(root, 'server'),
  outDir: out,
});
const emitted = program.emit();
const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (problems.length > 0) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnostics(problems, host));
  process.exit(1);
}

// Self-contained: every import or reference in the declarations is a sibling file.
const declarations = readdirSync(out).filter((f) => f.endsWith('.d.ts'));
for (const file of declarations) {
  const text = readFileSync(join(out, file), 'utf8');
  for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    if (
      !/^\.\/[\w-]+\.js$/.test(specifier) ||
      !declarations.includes(specifier.slice(2, -3) + '.d.ts')
    ) {
      console.error(`dist/server/${file} imports ${specifier}: not a file of dist/server`);
      process.exit(1);
    }
  }
  if (/\/\/\/\s*<reference/.test(text)) {
    console.error(`dist/server/${file} has a triple-slash reference`);
    process.exit(1);
  }
}

if (!quiet) {
  const size = readFileSync(join(out, 'index.js')).length;
  console.log(
    `dist/server/index.js  ${(size / 1024).toFixed(1)} KiB  (+ ${declarations.join(', ')})`,
  );
}
