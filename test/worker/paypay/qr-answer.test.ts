import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FIELDS,
  fieldNames,
  kycPassportBody,
  parseFields,
} from '../../../worker/paypay/fields';
import { DEFAULT_QR_TTL_MS, epochMillis, readCreatedQr } from '../../../worker/paypay/qr-answer';

const NOW = Date.UTC(2026, 7, 1, 3, 0, 0);
const LINK = 'https://qr.paypay.test/kp';
const fields = DEFAULT_FIELDS.createQr;

describe('readCreatedQr: the code id', () => {
  it.each([
    ['data.codeId', { codeId: 'kp-1', linkQRCodeURL: LINK }],
    ['data.kycPassport.codeId', { kycPassport: { codeId: 'kp-1' }, linkQRCodeURL: LINK }],
    ['data.qrCodeId', { qrCodeId: 'kp-1', linkQRCodeURL: LINK }],
    ['data.code.codeId', { code: { codeId: 'kp-1' }, linkQRCodeURL: LINK }],
  ])('is read at %s', (_where, data) => {
    expect(readCreatedQr(data, fields, NOW)).toMatchObject({
      ok: true,
      value: { codeId: 'kp-1', linkQRCodeURL: LINK },
    });
  });

  it('takes the first place that has one, in the order of the table', () => {
    const data = { codeId: 'first', kycPassport: { codeId: 'second' }, linkQRCodeURL: LINK };
    expect(readCreatedQr(data, fields, NOW)).toMatchObject({ value: { codeId: 'first' } });
  });

  it('accepts a numeric code id as its digits', () => {
    expect(readCreatedQr({ codeId: 4711, linkQRCodeURL: LINK }, fields, NOW)).toMatchObject({
      value: { codeId: '4711' },
    });
  });

  it('refuses an answer without one, naming every place tried and the fields sent, never values', () => {
    const data = {
      linkQRCodeURL: LINK,
      id: 'value-1',
      session: { token: 'value-2', 'weird key<>': 1 },
    };
    const answer = readCreatedQr(data, fields, NOW);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error).toBe(
      'PayPay created a QR but its answer has no code id (looked at data.codeId, data.kycPassport.codeId, ' +
        'data.qrCodeId, data.code.codeId); its data has data.linkQRCodeURL, data.id, data.session, ' +
        'data.session.token, data.session.weird?key??. ' +
        'Set PAYPAY_FIELDS.createQr to where PayPay puts them (docs/paypay-assumptions.md).',
    );
    expect(answer.error).not.toMatch(/value-|qr\.paypay/);
  });

  it.each([
    ['no data at all', null],
    ['a link that is not a URL', { codeId: 'kp-1', linkQRCodeURL: 'not a url' }],
    ['a javascript: link', { codeId: 'kp-1', linkQRCodeURL: 'javascript:alert(1)' }],
    ['an empty code id', { codeId: '', linkQRCodeURL: LINK }],
  ])('refuses %s', (_name, data) => {
    expect(readCreatedQr(data, fields, NOW).ok).toBe(false);
  });
});

describe('readCreatedQr: the expiry', () => {
  const at = (expiryDate: unknown) =>
    readCreatedQr({ codeId: 'kp', linkQRCodeURL: LINK, expiryDate }, fields, NOW);

  it.each([
    ['epoch seconds', NOW / 1000 + 300],
    ['epoch milliseconds', NOW + 300_000],
    ['seconds as a string', String(NOW / 1000 + 300)],
    ['milliseconds as a string', String(NOW + 300_000)],
    ['ISO 8601', new Date(NOW + 300_000).toISOString()],
  ])('understands %s', (_name, value) => {
    expect(at(value)).toMatchObject({
      ok: true,
      value: { expiresAt: NOW + 300_000, expiryNote: null },
    });
  });

  it.each([
    ['in the past', NOW / 1000 - 10, 'data.expiryDate is in the past'],
    ['now', NOW, 'data.expiryDate is in the past'],
    ['absurdly far (ms read as s would be)', (NOW + 300_000) * 1000, 'more than 24 hours out'],
    ['25 hours out', NOW / 1000 + 25 * 3600, 'more than 24 hours out'],
    ['not a time', 'soon', 'data.expiryDate is not a time'],
    ['negative', -5, 'data.expiryDate is not a time'],
    ['absent', undefined, 'no expiry at data.expiryDate'],
  ])('falls back to the default 5 minutes when it is %s', (_name, value, note) => {
    const answer = at(value);
    expect(answer).toMatchObject({ ok: true, value: { expiresAt: NOW + DEFAULT_QR_TTL_MS } });
    if (answer.ok) expect(answer.value.expiryNote).toContain(note);
  });

  it('is read at the other places of the table', () => {
    const data = { codeId: 'kp', linkQRCodeURL: LINK, expiresAt: NOW / 1000 + 60 };
    expect(readCreatedQr(data, fields, NOW)).toMatchObject({ value: { expiresAt: NOW + 60_000 } });
  });
});

describe('epochMillis', () => {
  it('tells seconds from milliseconds by size', () => {
    expect(epochMillis(1_790_000_000)).toBe(1_790_000_000_000);
    expect(epochMillis(1_790_000_000_000)).toBe(1_790_000_000_000);
    expect(epochMillis(1_790_000_000.5)).toBe(1_790_000_000_500);
    expect(epochMillis(Number.NaN)).toBeNull();
    expect(epochMillis({})).toBeNull();
  });
});

describe('PAYPAY_FIELDS', () => {
  it('is the defaults when empty', () => {
    expect(parseFields(undefined)).toEqual({ ok: true, value: DEFAULT_FIELDS });
    expect(parseFields('  ')).toEqual({ ok: true, value: DEFAULT_FIELDS });
  });

  it('replaces single entries, a path or a list of them', () => {
    const parsed = parseFields('{"createQr":{"codeId":"kycPassport.id","expiry":["a","b.c"]}}');
    expect(parsed).toEqual({
      ok: true,
      value: {
        createQr: {
          ...DEFAULT_FIELDS.createQr,
          codeId: ['kycPassport.id'],
          expiry: ['a', 'b.c'],
        },
        kyc: DEFAULT_FIELDS.kyc,
      },
    });
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['an unknown operation', '{"fetchKyc":{}}', 'unknown entry "fetchKyc"'],
    ['an unknown field', '{"createQr":{"url":"x"}}', 'unknown entry "url"'],
    ['an empty list', '{"createQr":{"codeId":[]}}', 'PAYPAY_FIELDS.createQr.codeId'],
    ['a path with a bracket', '{"createQr":{"codeId":"a[0]"}}', 'PAYPAY_FIELDS.createQr.codeId'],
    ['a kycPassport that is a string', '{"createQr":{"kycPassport":"S256"}}', 'kycPassport'],
  ])('is refused whole with a reason when it is %s', (_name, raw, reason) => {
    const parsed = parseFields(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('fills the challenge into every placeholder of the kycPassport template', () => {
    expect(
      kycPassportBody(
        { a: '{codeChallenge}', b: ['x-{codeChallenge}', 3], c: { d: '{codeChallenge}' }, e: true },
        'CH',
      ),
    ).toEqual({ a: 'CH', b: ['x-CH', 3], c: { d: 'CH' }, e: true });
  });

  it('lists field names two levels deep, capped', () => {
    expect(fieldNames({ a: 1, b: { c: 1, d: { e: 1 } } })).toEqual(['a', 'b', 'b.c', 'b.d']);
    expect(fieldNames('x')).toEqual([]);
    expect(
      fieldNames(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))),
    ).toHaveLength(30);
  });
});
