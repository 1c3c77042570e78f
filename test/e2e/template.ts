import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packedTarball, root, run } from './installed';

/** The section of docs/deploy.md that holds the merchant's own Worker project. */
export const TEMPLATE_SECTION = '## Your own repository: three files';

/**
 * The files of the template in docs/deploy.md, by name: each fenced block of the
 * section follows a line naming its file (**`wrangler.jsonc`**); a first-line
 * comment in the block, where the language has comments, names the same file.
 */
export function templateFiles(): Record<string, string> {
  const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
  const start = doc.indexOf(`\n${TEMPLATE_SECTION}\n`);
  if (start < 0) throw new Error(`docs/deploy.md has no "${TEMPLATE_SECTION}"`);
  const end = doc.indexOf('\n## ', start + 1);
  const lines = doc.slice(start, end < 0 ? undefined : end).split('\n');
  const files: Record<string, string> = {};
  let name: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const label = /^\*\*`([\w./-]+)`\*\*$/.exec(lines[i]!);
    if (label) name = label[1]!;
    if (!/^```\w*$/.test(lines[i]!)) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (name === null) throw new Error('a block of the template names no file');
    const comment = /^\/\/\s*([\w./-]+\.\w+)$/.exec(body[0] ?? '')?.[1];
    if (comment !== undefined && comment !== name) {
      throw new Error(`the block under ${name} says it is ${comment}`);
    }
    files[name] = `${body.join('\n')}\n`;
    name = null;
  }
  return files;
}

/** Our pinned wrangler, the version a merchant's project is tested with. */
export function wranglerVersion(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return pkg.devDependencies['wrangler']!;
}

/**
 * The merchant's three-file Worker project of docs/deploy.md, in a fresh
 * directory outside the repository, with the packed tarball and our wrangler
 * installed from file and the npm cache: nothing of ours but the package.
 * Builds `./worker` first (and the element, when it is not built yet).
 * Returns the project's directory.
 */
export function templateProject(): string {
  if (!existsSync(join(root, 'dist/paypay-kyc-passport.iife.js'))) {
    build('scripts/build.mjs');
  }
  build('scripts/build-worker.mjs');
  const dir = join(mkdtempSync(join(tmpdir(), 'kyc-template-')), 'kyc-passport');
  for (const [file, text] of Object.entries(templateFiles())) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const installed = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      packedTarball(),
      `wrangler@${wranglerVersion()}`,
    ],
    dir,
    240_000,
  );
  if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
  return dir;
}

function build(script: string): void {
  const built = run(process.execPath, [join(root, script), '--quiet'], root);
  if (built.status !== 0) throw new Error(`${script} failed:\n${built.stdout}${built.stderr}`);
}
