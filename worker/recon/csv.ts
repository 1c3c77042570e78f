import { UAID_PATTERN } from '../routes/users';

/** The ids of a recon file, and what was skipped. */
export type ReconCsv =
  | { ok: true; ids: string[]; junk: number; junkLines: number[] }
  | { ok: false; reason: 'NOT_UTF8' | 'BAD_HEADER' };

const HEADER = 'userAuthorizationId';
const JUNK_LINES_KEPT = 20;

/**
 * PayPay's recon CSV: UTF-8, CRLF, a `userAuthorizationId` header, one id a
 * line. LF line ends, a BOM, blank lines and quoted values are tolerated; a line
 * that is not an id is junk: counted, its line number kept, never an event. An
 * empty file holds no ids.
 */
export function parseReconCsv(bytes: Uint8Array): ReconCsv {
  let text: string;
  try {
    // ignoreBOM false: a leading BOM is removed.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: 'NOT_UTF8' };
  }
  if (text.trim() === '') return { ok: true, ids: [], junk: 0, junkLines: [] };
  const lines = text.split(/\r?\n/);
  if (unquote((lines[0] ?? '').trim()) !== HEADER) return { ok: false, reason: 'BAD_HEADER' };
  const ids: string[] = [];
  const junkLines: number[] = [];
  let junk = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const value = unquote(line);
    if (UAID_PATTERN.test(value)) {
      ids.push(value);
    } else {
      junk++;
      if (junkLines.length < JUNK_LINES_KEPT) junkLines.push(i + 1);
    }
  }
  return { ok: true, ids, junk, junkLines };
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replaceAll('""', '"');
  }
  return value;
}
