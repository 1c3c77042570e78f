import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEED_PAGE_LIMIT } from '../../shared/feed';
import { root } from './installed';
import { stack } from './support';

// One number for `limit` of GET /v1/events: the Worker takes FEED_PAGE_LIMIT
// (shared/feed.ts); the CLI keeps a copy (it has no build step) and the docs
// state it. Each of them is read here, so a change in one place alone fails.
const { default: byDefault, max } = FEED_PAGE_LIMIT;

function read(file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'cli/paypay-kyc.mjs'), ...args],
      { env: { ...process.env, MERCHANT_API_TOKEN: stack().merchantApiToken }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Parameter {
  name: string;
  schema?: { minimum?: number; maximum?: number; default?: number };
}

describe(`limit of GET /v1/events: 1 to ${max}, ${byDefault} by default, everywhere`, () => {
  it('docs/openapi.json: minimum, maximum and default of the parameter', () => {
    const spec = JSON.parse(read('docs/openapi.json')) as {
      paths: Record<string, { get?: { parameters?: Parameter[] } }>;
    };
    const limit = spec.paths['/v1/events']?.get?.parameters?.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ minimum: 1, maximum: max, default: byDefault });
  });

  it('docs/api.md, docs/cli.md and the server helper say the same numbers', () => {
    const api = read('docs/api.md');
    expect(api).toContain(`### \`GET /v1/events?after=<cursor>&limit=<1-${max}>\``);
    expect(api).toContain(`(default ${byDefault})`);
    const cliDoc = read('docs/cli.md');
    // The link to api.md follows its heading (GitHub's anchor drops the punctuation).
    expect(cliDoc).toContain(`(api.md#get-v1eventsaftercursorlimit1-${max})`);
    expect(cliDoc).toMatch(
      new RegExp(
        `\\| \`--limit <n>\` +\\| events per request, 1-${max} \\(default ${byDefault}\\)`,
      ),
    );
    expect(read('server/client.ts')).toContain(
      `Events per page (the Worker takes 1 to ${max}; ${byDefault} when absent)`,
    );
    // No other range for the feed's limit is left in the docs.
    for (const file of ['docs/api.md', 'docs/cli.md', 'README.md', 'docs/quickstart.md']) {
      const ranges = [...read(file).matchAll(/limit[^\n]*?\b1-(\d+)/g)].map((m) => Number(m[1]));
      expect(
        ranges.filter((n) => n !== max),
        file,
      ).toEqual([]);
    }
  });

  it('the CLI: its help, its refusal over the maximum, and a page of the maximum', async () => {
    const help = await cli(['events', '--help']);
    expect(help.stdout).toContain(`events per request, 1-${max} (default ${byDefault})`);

    const over = await cli(['events', '--endpoint', stack().workerUrl, '--limit', `${max + 1}`]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain(`--limit must be an integer from 1 to ${max}.`);

    // The Worker takes what the CLI sends at its maximum.
    const full = await cli(['events', '--endpoint', stack().workerUrl, '--limit', `${max}`]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toMatch(/^cursor \d+$/m);
  });

  it('the Worker: the maximum is answered, one more is refused with the same numbers', async () => {
    const auth = { Authorization: `Bearer ${stack().merchantApiToken}` };
    const atMax = await fetch(`${stack().workerUrl}/v1/events?limit=${max}`, { headers: auth });
    expect(atMax.status).toBe(200);
    const over = await fetch(`${stack().workerUrl}/v1/events?limit=${max + 1}`, { headers: auth });
    expect(over.status).toBe(400);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: 'INVALID_FIELD',
      message: `limit must be an integer from 1 to ${max}`,
    });
  });
});
