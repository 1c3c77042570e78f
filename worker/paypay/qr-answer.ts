import { err, ok, type Result } from '../../shared/result';
import { fieldNames, valueAt, type FieldTable } from './fields';
import type { CreatedQr } from './call';

/**
 * How long a QR lives when PayPay's answer gives no usable expiry [G]: PayPay
 * publishes no default. Five minutes matches its payment QR codes' usual life.
 */
export const DEFAULT_QR_TTL_MS = 5 * 60_000;
/** An expiry further out than this is not a QR's: a misread unit or a broken answer. */
export const MAX_QR_TTL_MS = 24 * 3_600_000;
/** Epoch values at or above this are milliseconds (1e11 seconds is the year 5138; 1e11 ms is 1973). */
const MILLIS_FROM = 1e11;

/** The QR we can use, or what was missing, by field name only. */
export type QrAnswer = Result<CreatedQr, string>;

/**
 * Reads the "Create Account Linking QR Code" answer liberally: the code id and
 * link from wherever the field table says PayPay may put them, the expiry in
 * seconds, milliseconds or ISO 8601. A QR without a code id cannot be fetched
 * after approval, so it is refused with a message naming what PayPay did send
 * (names, never values) and the setting that fixes it.
 */
export function readCreatedQr(
  data: unknown,
  fields: FieldTable['createQr'],
  now: number,
): QrAnswer {
  const codeId = firstString(data, fields.codeId);
  const link = firstString(data, fields.link);
  const usableLink =
    link !== null && URL.canParse(link) && /^https?:$/.test(new URL(link).protocol);
  if (codeId === null || !usableLink) {
    const wanted = [
      ...(codeId === null ? [`code id (looked at ${places(fields.codeId)})`] : []),
      ...(!usableLink ? [`QR link (looked at ${places(fields.link)})`] : []),
    ];
    const sent = fieldNames(data);
    return err(
      `PayPay created a QR but its answer has no ${wanted.join(' and no ')}; ` +
        `its data has ${sent.length ? sent.map((n) => `data.${n}`).join(', ') : 'no fields'}. ` +
        'Set PAYPAY_FIELDS.createQr to where PayPay puts them (docs/paypay-assumptions.md).',
    );
  }
  const expiry = readExpiry(data, fields.expiry, now);
  return ok({ codeId, linkQRCodeURL: link, ...expiry });
}

function readExpiry(
  data: unknown,
  paths: string[],
  now: number,
): Pick<CreatedQr, 'expiresAt' | 'expiryNote'> {
  let note = `no expiry at ${places(paths)}`;
  for (const path of paths) {
    const raw = valueAt(data, path);
    if (raw === undefined || raw === null) continue;
    const at = epochMillis(raw);
    if (at === null) note = `data.${path} is not a time`;
    else if (at <= now) note = `data.${path} is in the past`;
    else if (at > now + MAX_QR_TTL_MS) note = `data.${path} is more than 24 hours out`;
    else return { expiresAt: at, expiryNote: null };
    break;
  }
  return {
    expiresAt: now + DEFAULT_QR_TTL_MS,
    expiryNote: `${note}: the QR gets the default 5 minutes`,
  };
}

/** Epoch seconds or milliseconds (number or digits), or an ISO 8601 time, as epoch ms. */
export function epochMillis(value: unknown): number | null {
  if (typeof value === 'string' && /^\d{1,16}(\.\d+)?$/.test(value.trim())) value = Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null;
    return Math.round(value >= MILLIS_FROM ? value : value * 1000);
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : at;
  }
  return null;
}

function places(paths: string[]): string {
  return paths.map((path) => `data.${path}`).join(', ');
}

function firstString(data: unknown, paths: string[]): string | null {
  for (const path of paths) {
    const value = valueAt(data, path);
    if (typeof value === 'string' && value !== '' && value.length <= 2048) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  }
  return null;
}
