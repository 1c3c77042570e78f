import { describe, expect, it } from 'vitest';
import { parseReconCsv } from '../../../worker/recon/csv';

const encode = (text: string) => new TextEncoder().encode(text);

/** parseReconCsv's result as one flat object, so each expectation reads as a whole. */
function readCsv(bytes: Uint8Array) {
  const result = parseReconCsv(bytes);
  return result.ok ? { ok: true, ...result.value } : { ok: false, reason: result.error };
}

describe('parseReconCsv', () => {
  it('reads PayPay CRLF files', () => {
    expect(readCsv(encode('userAuthorizationId\r\nu-1\r\nu-2\r\n'))).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      junkLines: [],
      header: true,
    });
  });

  // The seed names the column but never says a header line exists.
  it.each([
    ['CRLF', 'u-1\r\nu-2\r\n'],
    ['LF', 'u-1\nu-2\n'],
    ['CR only', 'u-1\ru-2\r'],
    ['no final line end', 'u-1\nu-2'],
    ['quoted values', '"u-1"\r\n"u-2"\r\n'],
    ['blank lines', '\r\nu-1\r\n\r\n  \r\nu-2\r\n\r\n'],
    ['spaces around values', '  u-1 \r\n\t"u-2"  \r\n'],
    ['a BOM', '\uFEFFu-1\r\nu-2\r\n'],
  ])('reads a file without a header, with %s', (_name, text) => {
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      junkLines: [],
      header: false,
    });
  });

  it.each([
    ['LF, a BOM, no final line end and blank lines', '\uFEFFuserAuthorizationId\nu-1\n\nu-2'],
    ['CR only', 'userAuthorizationId\ru-1\ru-2\r'],
    ['a quoted header and values', '"userAuthorizationId"\r\n"u-1"\r\n"u-2"\r\n'],
    ['another spelling of the column', 'user_authorization_id\r\nu-1\r\nu-2\r\n'],
    ['spaces and blank lines first', '\r\n  userAuthorizationId  \r\n u-1\r\nu-2 \r\n'],
  ])('detects the header with %s', (_name, text) => {
    expect(readCsv(encode(text))).toMatchObject({
      ok: true,
      ids: ['u-1', 'u-2'],
      junk: 0,
      header: true,
    });
  });

  it('takes the id column of a header with several columns, quoted commas included', () => {
    const text = 'updatedAt,userAuthorizationId\r\n"2026-08-01, 10:00",u-1\r\n2026-08-01,"u-2"\r\n';
    expect(readCsv(encode(text))).toMatchObject({ ids: ['u-1', 'u-2'], junk: 0 });
  });

  it('reads a quote inside a quoted value as RFC 4180 does (and an id cannot hold one)', () => {
    expect(readCsv(encode('"u-1"\r\n"u""2"\r\n'))).toMatchObject({
      ids: ['u-1'],
      junk: 1,
      junkLines: [2],
    });
  });

  it.each([
    ['an empty file', '', false],
    ['blank lines only', '\r\n\n\r', false],
    ['a header only', 'userAuthorizationId\r\n', true],
    ['a header without line end', 'userAuthorizationId', true],
  ])('holds no ids in %s', (_name, text, header) => {
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: [],
      junk: 0,
      junkLines: [],
      header,
    });
  });

  it('skips and counts junk lines, keeping their line numbers', () => {
    const text =
      'userAuthorizationId\r\nu-1\r\nu 2\r\nu-3,extra\r\n<script>\r\n' +
      'x'.repeat(65) +
      '\r\nu-4\r\n';
    expect(readCsv(encode(text))).toEqual({
      ok: true,
      ids: ['u-1', 'u-3', 'u-4'],
      junk: 3,
      junkLines: [3, 5, 6],
      header: true,
    });
  });

  it('counts a first line that is neither header nor id as junk, and reads on', () => {
    expect(readCsv(encode('user id\r\nu-1\r\n'))).toEqual({
      ok: true,
      ids: ['u-1'],
      junk: 1,
      junkLines: [1],
      header: false,
    });
  });

  it('refuses only a file that is not UTF-8', () => {
    expect(readCsv(new Uint8Array([0x75, 0xff, 0x0a]))).toEqual({
      ok: false,
      reason: 'NOT_UTF8',
    });
  });
});
