import { err, ok, type Result } from '../../shared/result';
import { UAID_PATTERN } from '../../shared/ids';

/** The ids of a recon file, and what was skipped. */
export interface ReconIds {
  ids: string[];
  junk: number;
  junkLines: number[];
  header: boolean;
}

/** Why a file's bytes cannot be read: not UTF-8, or more lines than a file may have. */
export type ReconCsvError = 'NOT_UTF8' | 'FILE_TOO_LARGE';

/** The file's ids, or why its bytes could not be read at all. */
export type ReconCsv = Result<ReconIds, ReconCsvError>;

/** The column PayPay names; matched without regard to case, `_` or `-`. */
const COLUMN = 'userauthorizationid';
const JUNK_LINES_KEPT = 20;
/**
 * A line longer than this is junk, and is not held in memory while it is read:
 * a file without line ends cannot make the Worker buffer it whole. An id is at
 * most 64 characters; a few columns beside it fit many times over.
 */
export const MAX_LINE_CHARS = 4_096;

/**
 * PayPay's recon CSV, read liberally and as a stream: the seed names a
 * `userAuthorizationId` column but never says a header line exists, so a
 * header is detected, not assumed (and with several columns, picks the id's).
 * CRLF, LF or CR line ends, a BOM, quoted values, spaces around values and
 * blank lines are read, wherever the chunks of the download happen to split
 * them (inside a CRLF, a quoted value, a multi-byte character or the BOM). A
 * line whose value is not an id is junk: counted, its line number kept, never
 * an event. Only bytes that are not UTF-8, or more than `maxLines` lines, make
 * the file unreadable. Lines are split before quotes are read, as PayPay's
 * one-id-a-line files need: a quoted line end is a line end.
 */
export class ReconCsvReader {
  /** Ids read so far (every id, also those of an earlier attempt's share). */
  ids = 0;
  junk = 0;
  readonly junkLines: number[] = [];
  header = false;
  /** Lines read so far, blank ones included (the 1-based number of the last). */
  lines = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private readonly maxLines: number;
  /** The line not yet ended; a trailing CR waits here for a possible LF. */
  private carry = '';
  /** The line being read is longer than MAX_LINE_CHARS: junk, its text dropped. */
  private overlong = false;
  private first = true;
  private column = 0;
  private failed: ReconCsvError | null = null;

  constructor(options: { maxLines?: number } = {}) {
    this.maxLines = options.maxLines ?? Number.MAX_SAFE_INTEGER;
  }

  /** Reads a chunk; its ids are pushed to `out`. An error ends the file. */
  write(chunk: Uint8Array, out: string[]): ReconCsvError | null {
    return this.decoded(() => this.decoder.decode(chunk, { stream: true }), false, out);
  }

  /** The end of the file: the last line, even without its line end. */
  end(out: string[]): ReconCsvError | null {
    return this.decoded(() => this.decoder.decode(), true, out);
  }

  private decoded(decode: () => string, final: boolean, out: string[]): ReconCsvError | null {
    if (this.failed) return this.failed;
    let text: string;
    try {
      text = decode();
    } catch {
      return (this.failed = 'NOT_UTF8');
    }
    return this.take(text, final, out);
  }

  /** What the file held, once it is read. */
  summary(): { junk: number; junkLines: number[]; header: boolean } {
    return { junk: this.junk, junkLines: [...this.junkLines], header: this.header };
  }

  private take(text: string, final: boolean, out: string[]): ReconCsvError | null {
    let all = this.carry + text;
    // A CR at the end may be the first half of a CRLF: wait for the next chunk.
    const heldCr = !final && all.endsWith('\r');
    if (heldCr) all = all.slice(0, -1);
    const parts = all.split(/\r\n|\r|\n/);
    const rest = parts.pop() ?? '';
    for (const line of parts) {
      if (!this.line(line, out)) return this.failed;
    }
    if (final) {
      this.carry = '';
      if (rest !== '' || this.overlong) {
        if (!this.line(rest, out)) return this.failed;
      }
      return null;
    }
    if (rest.length > MAX_LINE_CHARS) {
      this.overlong = true;
      this.carry = heldCr ? '\r' : '';
    } else {
      this.carry = this.overlong ? (heldCr ? '\r' : '') : rest + (heldCr ? '\r' : '');
    }
    return null;
  }

  /** One complete line; false when the file has too many. */
  private line(text: string, out: string[]): boolean {
    this.lines++;
    if (this.lines > this.maxLines) {
      this.failed = 'FILE_TOO_LARGE';
      return false;
    }
    const overlong = this.overlong || text.length > MAX_LINE_CHARS;
    this.overlong = false;
    if (overlong) {
      this.first = false;
      this.junkLine();
      return true;
    }
    if (text.trim() === '') return true;
    const cells = splitCsvLine(text);
    if (this.first) {
      this.first = false;
      const named = cells.findIndex((cell) => cell.toLowerCase().replace(/[_-]/g, '') === COLUMN);
      if (named >= 0) {
        this.header = true;
        this.column = named;
        return true;
      }
    }
    const value = cells[this.column] ?? '';
    if (UAID_PATTERN.test(value) && (this.header || cells.length === 1)) {
      this.ids++;
      out.push(value);
    } else {
      this.junkLine();
    }
    return true;
  }

  private junkLine(): void {
    this.junk++;
    if (this.junkLines.length < JUNK_LINES_KEPT) this.junkLines.push(this.lines);
  }
}

/** A whole file at once (the stream reader over one chunk). */
export function parseReconCsv(bytes: Uint8Array): ReconCsv {
  const reader = new ReconCsvReader();
  const ids: string[] = [];
  const error = reader.write(bytes, ids) ?? reader.end(ids);
  if (error) return err(error);
  return ok({ ids, ...reader.summary() });
}

/** One CSV line (RFC 4180 quoting: `""` inside quotes is a quote), each cell trimmed. */
function splitCsvLine(line: string): string[] {
  // The common case, one unquoted id: no cell building.
  if (line.indexOf(',') < 0 && line.indexOf('"') < 0) return [line.trim()];
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
