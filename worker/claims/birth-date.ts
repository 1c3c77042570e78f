import { jstDay } from '../recon/period';
import type { DateFormat } from '../paypay/kyc-fields';
import { calendarDate } from './age';

/**
 * A birth date as PayPay may send it, read in the formats `PAYPAY_FIELDS.kyc`
 * allows, as `yyyy-mm-dd`; null when none reads it as a real calendar date.
 */
export function birthDateOf(value: unknown, formats: readonly DateFormat[]): string | null {
  for (const format of formats) {
    const date = readAs(value, format);
    if (date !== null && calendarDate(date) !== null) return date;
  }
  return null;
}

function readAs(value: unknown, format: DateFormat): string | null {
  if (format === 'parts') return fromParts(value);
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  let match: RegExpExecArray | null = null;
  if (format === 'yyyy-MM-dd') match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  else if (format === 'yyyy/MM/dd') match = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(trimmed);
  else if (format === 'yyyyMMdd') match = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  else if (format === 'iso8601') return fromInstant(trimmed);
  return match === null ? null : dateText(match[1], match[2], match[3]);
}

/** A date-time with an explicit offset (or Z), as its day in Japan time; a bare date is not one. */
function fromInstant(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text))
    return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? jstDay(ms) : null;
}

function fromParts(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { year, month, day } = value as Record<string, unknown>;
  const digits = (part: unknown) =>
    (typeof part === 'number' && Number.isInteger(part)) ||
    (typeof part === 'string' && /^\d{1,4}$/.test(part))
      ? String(part)
      : undefined;
  return dateText(digits(year), digits(month), digits(day));
}

function dateText(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
): string | null {
  if (year === undefined || month === undefined || day === undefined || year.length !== 4)
    return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}
