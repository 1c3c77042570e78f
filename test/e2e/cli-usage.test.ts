import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, root } from './cli';

const doc = readFileSync(join(root, 'docs/cli.md'), 'utf8');

describe('paypay-kyc: usage', () => {
  const flags: Record<string, string[]> = {
    doctor: ['--endpoint', '--token', '--json'],
    sandbox: ['--port', '--worker', '--persist-to', '--merchant-options', '--json'],
    trigger: ['--sandbox', '--api-key', '--notification-id', '--copies', '--json'],
    recon: ['--ids', '--sandbox', '--api-key', '--create-only', '--json'],
    approve: ['--outcome', '--endpoint', '--sandbox', '--api-key', '--non-ekyc', '--identity'],
    events: ['--endpoint', '--token', '--after', '--limit', '--follow', '--interval', '--json'],
    feed: ['--endpoint', '--token', '--from', '--to', '--json'],
    'dead-letters': ['--endpoint', '--token', '--replay', '--limit', '--json'],
    deliveries: ['--endpoint', '--token', '--failed', '--pending', '--limit', '--json'],
    resend: ['--endpoint', '--token', '--json'],
    listen: [
      '--endpoint',
      '--token',
      '--forward-to',
      '--after',
      '--events',
      '--interval',
      '--json',
    ],
    status: ['--endpoint', '--token', '--days', '--json'],
    receipt: ['--kid', '--jwks', '--worker', '--json'],
  };

  it('--help of the tool lists every command (exit 0)', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const name of Object.keys(flags)) expect(run.stdout).toContain(`\n  ${name} `);
  });

  it.each(Object.entries(flags))('%s --help names its flags (exit 0)', async (name, names) => {
    const run = await cli([name, '--help']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(new RegExp(`^Usage: paypay-kyc ${name}`));
    for (const flag of [...names, '--help']) expect(run.stdout, flag).toContain(`  ${flag}`);
    // docs/cli.md documents every flag the help names.
    for (const [, flag] of run.stdout.matchAll(/^ {2}(--[a-z-]+)/gm))
      expect(doc).toContain(`\`${flag}`);
  });

  it('an unknown command, an unknown flag, no command: usage on stderr, exit 2', async () => {
    for (const args of [['bogus'], [], ['--bogus'], ['events', '--bogus'], ['trigger', 'x', 'u']]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: paypay-kyc');
    }
  });
});

describe('paypay-kyc: the bearer never goes over plain http to another machine', () => {
  it.each([
    'doctor',
    'events',
    'feed reshard',
    'dead-letters',
    'deliveries',
    'resend ev_1',
    'listen --forward-to http://127.0.0.1:9/',
    'status',
  ])(
    '%s refuses an http --endpoint that is not loopback, naming its host (exit 2)',
    async (command) => {
      for (const endpoint of ['http://kyc.example', 'http://192.0.2.10:8787']) {
        const run = await cli([...command.split(' '), '--endpoint', endpoint]);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toContain(`plain http to ${new URL(endpoint).hostname}`);
        expect(run.stderr).toContain('not a loopback host');
        expect(run.stderr).not.toContain('Could not reach');
      }
    },
  );
});
