import { describe, expect, it } from 'vitest';
import { newReceiptId, receiptLogName } from '../../../worker/receipts/ids';

describe('receipt ids', () => {
  it('name the month in Japan time: 15:00 UTC is already the next day there', () => {
    expect(newReceiptId(Date.UTC(2026, 0, 31, 14, 59, 59))).toMatch(/^rcp_202601_/);
    expect(newReceiptId(Date.UTC(2026, 0, 31, 15, 0, 0))).toMatch(/^rcp_202602_/);
    expect(newReceiptId(Date.UTC(2026, 11, 31, 15, 0, 0))).toMatch(/^rcp_202701_/);
  });

  it('carry 128 random bits as 22 base64url characters, and round-trip to their log', () => {
    const now = Date.UTC(2026, 6, 15);
    const ids = Array.from({ length: 50 }, () => newReceiptId(now));
    for (const id of ids) {
      expect(id).toMatch(/^rcp_202607_[A-Za-z0-9_-]{22}$/);
      expect(receiptLogName(id)).toBe('receipts-202607');
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['an empty string', ''],
    ['month 00', 'rcp_202600_AAAAAAAAAAAAAAAAAAAAAA'],
    ['month 13', 'rcp_202613_AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short random part', 'rcp_202601_AAAAAAAAAAAAAAAAAAAAA'],
    ['a long random part', 'rcp_202601_AAAAAAAAAAAAAAAAAAAAAAA'],
    ['a last character no 16 bytes end with', 'rcp_202601_AAAAAAAAAAAAAAAAAAAAAB'],
    ['standard base64', 'rcp_202601_AAAAAAAAAAAAAAAAAAA+/A'],
    ['padding', 'rcp_202601_AAAAAAAAAAAAAAAAAAAA=='],
    ['another prefix', 'rct_202601_AAAAAAAAAAAAAAAAAAAAAA'],
    ['capitals in the prefix', 'RCP_202601_AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short year', 'rcp_26011_AAAAAAAAAAAAAAAAAAAAAA'],
    ['a trailing line break', 'rcp_202601_AAAAAAAAAAAAAAAAAAAAAA\n'],
    ['a path', 'rcp_202601_AAAAAAAAAAAAAAAAAAAAAA/x'],
    ['an encoded character', 'rcp_202601_AAAAAAAAAAAAAAAAAAA%2FA'],
  ])('are refused with %s', (_why, id) => {
    expect(receiptLogName(id)).toBeNull();
  });

  it('accept each month, and the canonical last characters', () => {
    for (let month = 1; month <= 12; month++) {
      const mm = String(month).padStart(2, '0');
      expect(receiptLogName(`rcp_2030${mm}_AAAAAAAAAAAAAAAAAAAAAA`)).toBe(`receipts-2030${mm}`);
    }
    for (const last of ['A', 'Q', 'g', 'w'])
      expect(receiptLogName(`rcp_203001_A-_-_-_-_-_-_-_-_-_-_${last}`)).toBe('receipts-203001');
  });
});
