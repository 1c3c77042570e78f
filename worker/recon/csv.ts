import { err, ok, type Result } from '../../shared/result';
import { UAID_PATTERN } from '../../shared/ids';

/** The ids of a recon file, and what was skipped. */
export interface ReconIds {
  ids: string[];
  junk: number;
  junkLines: number[];
  header: boolean;
}

/** The file's ids, or why its bytes could not be read at all. */
export type ReconCsv = Result<ReconIds, 'NOT_UTF8'>;

/** The column PayPay names; matched without regard to case, `_` or `-`. */
const COLUMN = 'userauthorizationid';
const JUNK_LINES_KEPT = 20;

/**
 * PayPay's recon CSV, read liberally: the seed names a `userAuthorizationId`
 * column but never says a header line exists, so a header is detected, not
 * assumed (and with several columns, picks the id's). CRLF, LF or CR line
 * ends, a BOM, quoted values, spaces around values and blank lines are read. A
 * line whose value is not an id is junk: counted, its line number kept, never
 * an event. Only bytes that are not UTF-8 make the file unreadable.
 */
export function parseReconCsv(bytes: Uint8Array): ReconCsv {
  let text: string;
  try {
    // ignoreBOM false: a leading BOM is removed.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return err('NOT_UTF8');
  }
  const lines = text.split(/\r\n|\r|\n/);
  const ids: string[] = [];
  const junkLines: number[] = [];
  let junk = 0;
  let column = 0;
  let header = false;
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    if (first) {
      first = false;
      const named = cells.findIndex((cell) => cell.toLowerCase().replace(/[_-]/g, '') === COLUMN);
      if (named >= 0) {
        header = true;
        column = named;
        continue;
      }
    }
    const value = cells[column] ?? '';
    if (UAID_PATTERN.test(value) && (header || cells.length === 1)) {
      ids.push(value);
    } else {
      junk++;
      if (junkLines.length < JUNK_LINES_KEPT) junkLines.push(i + 1);
    }
  }
  return ok({ ids, junk, junkLines, header });
}

/** One CSV line (RFC 4180 quoting: `""` inside quotes is a quote), each cell trimmed. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}
