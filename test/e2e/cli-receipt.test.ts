import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, root } from './cli';

// `paypay-kyc receipt keygen | verify`, with no stack: keys made by the CLI, receipts
// signed here with jose as the Worker signs them (compact JWS, EdDSA, digest of
// the RFC 8785 JSON of {claims, kyc}), checked by the CLI's verify, which runs
// the package's built dist/server (npm test builds it first).

const dir = mkdtempSync(join(tmpdir(), 'paypay-kyc-receipt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI, run in a directory of its own (the keys and answers it reads are there). */
const paypayKyc = (args: string[]) => cli(args, {}, dir);

function file(name: string, value: unknown): string {
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return name;
}

interface Keys {
  privateJwk: JWK & { kid: string };
  publicJwk: JWK & { kid: string };
}

async function keygen(args: string[] = []): Promise<Keys> {
  const run = await paypayKyc(['receipt', 'keygen', '--json', ...args]);
  expect([run.code, run.stderr]).toEqual([0, '']);
  return JSON.parse(run.stdout) as Keys;
}

const claims = { age_over_20: true, name: '山田 太郎' };
const kyc = { kycType: 'EKYC', eKycDocument: 'MY_NUMBER_CARD', name: '山田 太郎' };

/** A receipt of {claims, kyc} as the Worker makes one, signed with `key`. */
async function receiptOf(key: Keys['privateJwk'], released: { claims: object; kyc?: object }) {
  const digest = createHash('sha256').update(canonicalize(released)!).digest('base64url');
  const payload = {
    jti: 'rcp_202612_AAAAAAAAAAAAAAAAAAAAAA',
    iat: 1_796_000_000,
    iss: 'https://kyc.example',
    sid: 'vs_1',
    mode: 'merchant',
    referenceId: 'customer-42',
    verifiedAt: '2026-12-01T10:00:00.000Z',
    paypayRequestIds: ['req-a'],
    codeId: 'code-1',
    document: { kycType: 'EKYC', eKycDocument: 'MY_NUMBER_CARD' },
    claims: [...Object.keys(released.claims), ...(released.kyc ? ['kyc'] : [])],
    digest,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .sign(await importJWK(key, 'EdDSA'));
}

describe('paypay-kyc receipt keygen', () => {
  it('prints the private JWK alone on stdout, what to do with it on stderr', async () => {
    const run = await paypayKyc(['receipt', 'keygen']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const privateJwk = JSON.parse(lines[0]!) as Keys['privateJwk'];
    expect(privateJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: expect.stringMatching(/^rk-\d{8}-[0-9a-f]{4}$/),
      alg: 'EdDSA',
      use: 'sig',
    });
    const { d: _secret, ...publicJwk } = privateJwk;
    expect(run.stderr).toContain(JSON.stringify(publicJwk));
    expect(run.stderr).not.toContain(privateJwk.d);
    for (const words of ['wrangler secret put', 'RECEIPT_SIGNING_KEY', 'RECEIPT_PREVIOUS_KEYS'])
      expect(run.stderr).toContain(words);
  });

  it('makes a key jose signs with, and its public JWK verifies; a new one each time', async () => {
    const { privateJwk, publicJwk } = await keygen(['--kid', 'rk-2026.12_a']);
    expect([privateJwk.kid, publicJwk.kid]).toEqual(['rk-2026.12_a', 'rk-2026.12_a']);
    expect(publicJwk).not.toHaveProperty('d');
    const jws = await new CompactSign(new TextEncoder().encode('signed'))
      .setProtectedHeader({ alg: 'EdDSA' })
      .sign(await importJWK(privateJwk, 'EdDSA'));
    const { payload } = await compactVerify(jws, await importJWK(publicJwk, 'EdDSA'));
    expect(new TextDecoder().decode(payload)).toBe('signed');
    const other = await keygen(['--kid', 'rk-2026.12_a']);
    expect(other.privateJwk.d).not.toBe(privateJwk.d);
    await expect(compactVerify(jws, await importJWK(other.publicJwk, 'EdDSA'))).rejects.toThrow();
  });

  it('refuses a kid the Worker would refuse, and stray arguments (exit 2)', async () => {
    for (const args of [['--kid', 'a b'], ['--kid', 'x'.repeat(65)], ['extra'], ['--jwks', 'k']]) {
      const run = await paypayKyc(['receipt', 'keygen', ...args]);
      expect([run.code, run.stdout], args.join(' ')).toEqual([2, '']);
      expect(run.stderr).toContain('Usage: paypay-kyc receipt');
    }
  });
});

describe('paypay-kyc receipt verify', () => {
  let keys: Keys;
  let answer: string;
  let jwks: string;
  beforeAll(async () => {
    keys = await keygen();
    const receipt = await receiptOf(keys.privateJwk, { claims, kyc });
    answer = file('answer.json', { sessionId: 'vs_1.x', mode: 'merchant', claims, kyc, receipt });
    jwks = file('jwks.json', { keys: [keys.publicJwk] });
  });

  it('passes a stored exchange answer against a kept JWKS: each check, then the receipt (exit 0)', async () => {
    const run = await paypayKyc(['receipt', 'verify', answer, '--jwks', jwks]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const check of ['format', 'key', 'signature', 'digest', 'claims'])
      expect(run.stdout).toMatch(new RegExp(`^ok +${check} `, 'm'));
    expect(run.stdout).toContain('Valid');
    expect(run.stdout).toContain('rcp_202612_AAAAAAAAAAAAAAAAAAAAAA');
    expect(run.stdout).toContain('2026-11-30T00:53:20.000Z');
    expect(run.stdout).toMatch(/claims +age_over_20, name, kyc/);
    expect(run.stdout).toContain('MY_NUMBER_CARD');
    // The released values are not printed: the file holds personal data.
    expect(run.stdout).not.toContain('山田');
  });

  it('takes {receipt, released} and a list of JWKs too; --json says the same', async () => {
    const receipt = (JSON.parse(readFileSync(join(dir, answer), 'utf8')) as { receipt: string })
      .receipt;
    const pair = file('pair.json', { receipt, released: { claims, kyc } });
    const list = file('list.json', [keys.publicJwk]);
    const run = await paypayKyc(['receipt', 'verify', pair, '--jwks', list, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { valid: boolean; checks: { ok: boolean }[] };
    expect(out).toMatchObject({
      valid: true,
      receipt: { kid: keys.publicJwk.kid, iat: 1_796_000_000 },
    });
    expect(out.checks.map((c) => c.ok)).toEqual([true, true, true, true, true]);
  });

  it('fails a tampered answer or another key, naming the check (exit 1)', async () => {
    const stored = JSON.parse(readFileSync(join(dir, answer), 'utf8')) as Record<string, unknown>;
    const tampered = file('tampered.json', {
      ...stored,
      claims: { ...claims, age_over_20: false },
    });
    const run = await paypayKyc(['receipt', 'verify', tampered, '--jwks', jwks]);
    expect([run.code, run.stderr]).toEqual([1, '']);
    expect(run.stdout).toMatch(/^ok +signature /m);
    expect(run.stdout).toMatch(/^FAIL +digest .*RECEIPT_DIGEST_MISMATCH/m);
    expect(run.stdout).toMatch(/^- +claims +not checked/m);
    expect(run.stdout).toContain('NOT valid');

    const impostor = await keygen(['--kid', keys.publicJwk.kid]);
    const other = file('other.json', { keys: [impostor.publicJwk] });
    const forged = await paypayKyc(['receipt', 'verify', answer, '--jwks', other, '--json']);
    expect(forged.code).toBe(1);
    const out = JSON.parse(forged.stdout) as { valid: boolean; checks: unknown[] };
    expect(out.valid).toBe(false);
    expect(out.checks[2]).toMatchObject({ check: 'signature', ok: false });
  });

  it("fetches the keys from the Worker's /.well-known/jwks.json with --worker", async () => {
    const asked: string[] = [];
    const server: Server = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ keys: [keys.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const run = await paypayKyc([
        'receipt',
        'verify',
        answer,
        '--worker',
        `http://127.0.0.1:${port}`,
      ]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(asked).toEqual(['/.well-known/jwks.json']);
    } finally {
      server.close();
    }
  });

  it('usage errors and what it cannot read: exit 2, nothing on stdout', async () => {
    const cases = [
      [],
      [answer],
      [answer, '--jwks', jwks, '--worker', 'https://kyc.example'],
      [answer, '--worker', 'http://kyc.example'],
      [answer, '--jwks', jwks, '--kid', 'x'],
      ['missing.json', '--jwks', jwks],
      [file('not-json.json', '{'), '--jwks', jwks],
      [file('no-claims.json', { receipt: 'x' }), '--jwks', jwks],
      [answer, '--jwks', file('no-keys.json', { keys: 1 })],
      [answer, '--worker', 'http://127.0.0.1:9'],
    ];
    for (const args of cases) {
      const run = await paypayKyc(['receipt', 'verify', ...args]);
      expect([run.code, run.stdout], args.join(' ')).toEqual([2, '']);
      expect(run.stderr, args.join(' ')).not.toBe('');
    }
    const unknown = await paypayKyc(['receipt', 'sign']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown subcommand 'sign'");
  });
});

describe('paypay-kyc receipt --help', () => {
  it('is listed, names its flags, and docs/cli.md documents each', async () => {
    expect((await paypayKyc(['--help'])).stdout).toContain('\n  receipt ');
    const run = await paypayKyc(['receipt', '--help']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^Usage: paypay-kyc receipt keygen/);
    const doc = readFileSync(join(root, 'docs/cli.md'), 'utf8');
    expect(doc).toContain('## `paypay-kyc receipt keygen');
    const flags = [...run.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(flags).toEqual(['--kid', '--jwks', '--worker', '--json', '--help']);
    for (const flag of flags) expect(doc, flag).toContain(`\`${flag}`);
  });
});
