import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_API_KEY,
  SANDBOX_API_SECRET,
  startStack,
  type Stack,
} from '../../scripts/lib/stack.mjs';
import { answers, api, merchant, openApiProblems, recordedFetch, sandbox, stack } from './support';

interface Row {
  check: string;
  ok: boolean;
  detail: string;
  requestId?: string;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CHECKS = [
  'settings',
  'clock',
  'signature',
  'scopes',
  'endpoints',
  'callback',
  'webhooks',
  'recon',
  'ingest',
];
const WRONG_SECRET = Buffer.from('a valid base64 secret, not the sandbox one').toString('base64');
const PAYPAY_ID = /^SBX[0-9A-F]{32}$/i;

/** The real CLI, as a merchant runs it; the token only in its environment. */
async function doctor(workerUrl: string, token: string, json = true): Promise<Run> {
  const args = ['scripts/doctor.mjs', '--endpoint', workerUrl, ...(json ? ['--json'] : [])];
  const run = await new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, MERCHANT_API_TOKEN: token }, timeout: 45_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
  // Nothing secret on either stream, whatever the outcome.
  for (const secret of [token, SANDBOX_API_SECRET, WRONG_SECRET]) {
    expect(run.stdout + run.stderr).not.toContain(secret);
  }
  return run;
}

async function rowsOf(run: Run): Promise<Row[]> {
  const rows = JSON.parse(run.stdout) as Row[];
  expect(rows.map((row) => row.check)).toEqual(CHECKS);
  for (const row of rows) expect(row.detail.includes('Fix: ')).toBe(!row.ok);
  return rows;
}

const failing = (rows: Row[]) => rows.filter((row) => !row.ok).map((row) => row.check);
const detailOf = (rows: Row[], check: string) => rows.find((row) => row.check === check)!.detail;

/** Re-registers the default sandbox merchant (its webhook URLs are kept); `{}` restores it. */
async function merchantOptions(options: Record<string, unknown>): Promise<void> {
  await sandbox('PUT', '/merchant', {
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    ...options,
  });
}

describe('npm run doctor against the default stack', () => {
  it('passes every row (exit 0), with PayPay request ids and the callback reached from outside', async () => {
    const run = await doctor(stack().workerUrl, stack().merchantApiToken);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = await rowsOf(run);
    expect(failing(rows)).toEqual([]);
    for (const row of rows.filter((r) => ['clock', 'signature', 'endpoints'].includes(r.check))) {
      expect(row.requestId).toMatch(PAYPAY_ID);
    }
    expect(detailOf(rows, 'callback')).toMatch(
      /From outside, it answered 303, then 400 with this Worker's page/,
    );
    expect(detailOf(rows, 'webhooks')).toContain(`${stack().workerUrl}/v1/webhooks/paypay/recon`);
  });

  it('prints a header and one aligned row per check', async () => {
    const run = await doctor(stack().workerUrl, stack().merchantApiToken, false);
    expect(run.code).toBe(0);
    const [header, ...lines] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^PayPay KYC Passport doctor for http:\/\/127\.0\.0\.1:\d+: 9 checks, all ok \(Worker request id: req_[0-9a-f]{24}\)$/,
    );
    expect(lines.map((line) => line.slice(0, 17).trimEnd())).toEqual(
      CHECKS.map((check) => `ok    ${check}`),
    );
    expect(lines.every((line) => line[16] === ' ' && line[17] !== ' ')).toBe(true);
    expect(lines.find((line) => line.includes(' signature '))).toMatch(/PayPay request id: SBX/);
  });

  it('cannot run with a wrong token: exit 2, saying 401 with our request id', async () => {
    const run = await doctor(stack().workerUrl, 'not-the-merchant-token-0123456789');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/refused the token \(401 UNAUTHORIZED\).*req_[0-9a-f]{24}/);
    expect((await api('/v1/doctor')).status).toBe(401);
    expect((await api('/v1/doctor', { headers: merchant() })).status).toBe(200);
  });

  it('a clock 5 minutes off fails the clock row; the signature row blames the clock', async () => {
    await merchantOptions({ clockOffsetSeconds: 300 });
    try {
      const run = await doctor(stack().workerUrl, stack().merchantApiToken);
      expect(run.code).toBe(1);
      const rows = await rowsOf(run);
      expect(failing(rows)).toEqual(['clock', 'signature']);
      expect(detailOf(rows, 'clock')).toMatch(/^The Worker's clock is 30[01] s behind PayPay's/);
      expect(detailOf(rows, 'clock')).toContain('Fix: sync the clock');
      expect(detailOf(rows, 'signature')).toContain('the clock is the likely cause');
    } finally {
      await merchantOptions({});
    }
  });

  it('a scope PayPay has not enabled for the client fails the scopes row', async () => {
    await merchantOptions({ clientScopes: ['kyc_passport_qr', 'get_kyc_info'] });
    try {
      const run = await doctor(stack().workerUrl, stack().merchantApiToken);
      expect(run.code).toBe(1);
      const rows = await rowsOf(run);
      expect(failing(rows)).toEqual(['scopes']);
      expect(detailOf(rows, 'scopes')).toContain(
        'OP_OUT_OF_SCOPE to kycPassportInfo: it has not enabled mini_app_kyc_passport for this client. Fix: ask PayPay to enable mini_app_kyc_passport for your client.',
      );
    } finally {
      await merchantOptions({});
    }
  });
});

describe('npm run doctor against a misconfigured stack', () => {
  let second: Stack;
  const persistTo = `.wrangler/test-e2e-doctor-${process.pid}`;

  beforeAll(async () => {
    rmSync(persistTo, { recursive: true, force: true });
    // Three faults that stop PayPay at different places, so each fails its own row.
    second = await startStack({
      persistTo,
      demo: false,
      log: () => undefined,
      workerOverrides: {
        PAYPAY_API_SECRET: WRONG_SECRET,
        PAYPAY_ENDPOINTS: '{"userKycInfo":{"path":"/v2/user/kycInfo-wrong"}}',
        CALLBACK_URL: 'http://kyc.shop.example/v1/callback',
      },
    });
  });

  afterAll(async () => {
    await second?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  });

  it('fails the signature, endpoints and callback rows (and settings names CALLBACK_URL), exit 1', async () => {
    const run = await doctor(second.workerUrl, second.merchantApiToken);
    expect(run.code).toBe(1);
    const rows = await rowsOf(run);
    expect(failing(rows)).toEqual(['settings', 'signature', 'endpoints', 'callback']);
    expect(detailOf(rows, 'settings')).toMatch(
      /^A setting is missing or malformed: CALLBACK_URL \(/,
    );
    expect(detailOf(rows, 'signature')).toContain(
      'UNAUTHORIZED. Fix: set PAYPAY_API_KEY and PAYPAY_API_SECRET',
    );
    expect(detailOf(rows, 'endpoints')).toContain(
      "userKycInfo GET /v2/user/kycInfo-wrong answered 404 INVALID_REQUEST_PARAMS: PayPay has no such path. Fix: set PAYPAY_ENDPOINTS.userKycInfo.path to PayPay's path for it.",
    );
    expect(detailOf(rows, 'callback')).toContain(
      'CALLBACK_URL http://kyc.shop.example/v1/callback is http on a public host',
    );
    expect(detailOf(rows, 'callback')).toContain('register the domain with PayPay');
  });

  it('is rate-limited after 6 runs a minute: exit 2, saying 429', async () => {
    const url = `${second.workerUrl}/v1/doctor`;
    const auth = { headers: { Authorization: `Bearer ${second.merchantApiToken}` } };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await recordedFetch(url, auth)).status);
    // One run above already counted: the sixth call here is the seventh of the minute.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const run = await doctor(second.workerUrl, second.merchantApiToken);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rate-limited \(429 RATE_LIMITED\).*try again in \d+ s.*req_/);
  });

  it('every doctor answer of this file matches docs/openapi.json', () => {
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 401, 429]);
    expect(openApiProblems()).toEqual([]);
  });
});
