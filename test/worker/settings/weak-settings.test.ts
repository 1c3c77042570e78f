import { describe, expect, it } from 'vitest';
import { TEST_RECEIPT_KEY } from '../support/receipt-key';
import { parseConfig, type RawSettings } from '../../../worker/settings/config';
import { call } from '../support/webhooks';

// Issue 20: values that parse but protect nothing are refused in production
// (the default) and only warned about in development, like the other weak settings.

/** A production deployment done right (a varied 43-character token, as `openssl rand -base64 32` makes). */
const STRONG = 'q3J9vX_2LmKp8ZtR4wYc7NdB1hGf6sUeA0oIjTkQ5aE';
const base: RawSettings = {
  PAYPAY_API_BASE_URL: 'https://paypay.test',
  PAYPAY_API_KEY: 'a_Sh0pTest01_x7Q2',
  PAYPAY_API_SECRET: 'c2VjcmV0',
  ALLOWED_ORIGINS: 'https://shop.example',
  CALLBACK_URL: 'https://kyc.example/v1/callback',
  MERCHANT_API_TOKEN: STRONG,
  RECON_ALLOWED_HOSTS: 'files.paypay.test',
  WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24',
  WEBHOOK_PATH_TOKEN: STRONG.split('').reverse().join(''),
  RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY,
};

/** The settings production refuses and development warns about, for `weakening`. */
function verdicts(weakening: RawSettings) {
  const production = parseConfig({ ...base, ...weakening });
  const development = parseConfig(
    { ...base, ...weakening, ENVIRONMENT: 'development' },
    '127.0.0.1',
  );
  return {
    refused: production.problems.map((p) => p.setting),
    reasons: production.problems.map((p) => p.reason).join(' '),
    devProblems: development.problems.map((p) => p.setting),
    warned: development.warnings.map((w) => w.setting),
  };
}

describe('weak values in production', () => {
  it('takes the strong base configuration as it is', () => {
    expect(parseConfig(base).problems).toEqual([]);
    expect(parseConfig(base).warnings).toEqual([]);
  });

  it.each([
    ['all of IPv4', '0.0.0.0/0'],
    ['all of IPv6', '::/0'],
    ['all of IPv4, as IPv4-mapped IPv6', '::ffff:0.0.0.0/96'],
    ['an IPv4 /8', '10.0.0.0/8'],
    ['an IPv4 /15', '192.0.2.0/24, 198.50.0.0/15'],
    ['an IPv6 /31', '2001:db8::/31'],
  ])('refuses WEBHOOK_ALLOWED_CIDRS with %s', (_name, cidrs) => {
    const { refused, reasons, devProblems, warned } = verdicts({ WEBHOOK_ALLOWED_CIDRS: cidrs });
    expect(refused).toEqual(['WEBHOOK_ALLOWED_CIDRS']);
    expect(reasons).toContain('/16');
    expect(reasons).not.toContain(cidrs);
    expect(devProblems).toEqual([]);
    expect(warned).toEqual(['WEBHOOK_ALLOWED_CIDRS']);
  });

  it.each(['192.0.2.10', '10.1.0.0/16', '2001:db8::/32', '2001:db8:1::/48, 192.0.2.0/24'])(
    'takes WEBHOOK_ALLOWED_CIDRS %s',
    (cidrs) => {
      expect(verdicts({ WEBHOOK_ALLOWED_CIDRS: cidrs }).refused).toEqual([]);
    },
  );

  it.each([
    ['16 characters', 'abcdefghijklmnop'],
    ['31 characters', STRONG.slice(0, 31)],
    ['one character repeated', 'a'.repeat(40)],
    ['two characters alternating', 'ab'.repeat(20)],
    ['seven distinct characters', 'abcdefg'.repeat(6)],
  ])('refuses a WEBHOOK_PATH_TOKEN of %s', (_name, token) => {
    const { refused, reasons, devProblems, warned } = verdicts({ WEBHOOK_PATH_TOKEN: token });
    expect(refused).toEqual(['WEBHOOK_PATH_TOKEN']);
    expect(reasons).toMatch(/32 characters.*8 different/);
    expect(reasons).not.toContain(token);
    expect(devProblems).toEqual([]);
    expect(warned).toEqual(['WEBHOOK_PATH_TOKEN']);
  });

  it.each([
    ['one character repeated', 'x'.repeat(32)],
    ['28 characters', STRONG.slice(0, 28)],
    ['a short alphabet', '0123456'.repeat(5)],
  ])('refuses a MERCHANT_API_TOKEN of %s', (_name, token) => {
    const { refused, reasons, devProblems, warned } = verdicts({ MERCHANT_API_TOKEN: token });
    expect(refused).toEqual(['MERCHANT_API_TOKEN']);
    expect(reasons).not.toContain(token);
    expect(devProblems).toEqual([]);
    expect(warned).toEqual(['MERCHANT_API_TOKEN']);
  });

  it('takes 32 characters of 8 kinds, and still refuses fewer than 24 everywhere', () => {
    expect(verdicts({ MERCHANT_API_TOKEN: 'abcdefgh'.repeat(4) }).refused).toEqual([]);
    expect(verdicts({ WEBHOOK_PATH_TOKEN: 'abcdefgh'.repeat(4) }).refused).toEqual([]);
    expect(verdicts({ MERCHANT_API_TOKEN: 'short' }).devProblems).toEqual(['MERCHANT_API_TOKEN']);
  });

  it('never lets a weak bearer in: production answers 503 CONFIG_MERCHANT_API_TOKEN', async () => {
    const weak = 'x'.repeat(32);
    const answer = await call(
      '/v1/events',
      { headers: { Authorization: `Bearer ${weak}` } },
      { ENVIRONMENT: undefined, MERCHANT_API_TOKEN: weak },
    );
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: { code: 'CONFIG_MERCHANT_API_TOKEN' } });
  });
});
