import { RECON_FILE_TYPES } from '../shared/paypay-codes';
import { fail, isIntegerIn, isRecord, type Result } from './validate';
import { constantTimeEqual } from './encoding';
import type { Notification } from './webhooks';
import type { Merchant, ReconFile, ReconFormat } from './types';
import { lineEndOf } from './variants';

/** One recon file type. */
export type ReconFileType = (typeof RECON_FILE_TYPES)[number];

/** What `POST /_sandbox/recon` asks for. */
export interface ReconRequest {
  fileType: ReconFileType;
  userAuthorizationIds: string[];
  /** Ids `<prefix><n>` for n below count, made at download time: files too big to store. */
  generate?: { prefix: string; count: number };
  /** The JST days the file covers (its name), `yyyy-mm-dd`; default: yesterday. */
  period?: { from: string; to: string };
  /** The first `failures` downloads answer 503, as a storage hiccup would. */
  failures?: number;
  /** The download answers 302 to this URL (files served through a redirect). */
  redirectTo?: string;
  notificationId?: string;
  notify: boolean;
}

/**
 * Largest generated file: 2,000,000 ids, about 76 MB of UUID-length ids,
 * streamed as it is made (the Worker's line cap).
 */
const MAX_GENERATED = 2_000_000;

/** PayPay's file acquisition period: the download link works this long. */
export const RECON_FILE_TTL_SECONDS = 2 * 3600;

/** File-name prefix per type, from PayPay's spec (`<prefix>_<id>_<from>_<to>.csv`). */
const FILE_PREFIX: Record<ReconFileType, string> = {
  kyc_passport_sync_recon: 'kyc_passport',
  kyc_passport_risk_sync_recon: 'kyc_passport_risk',
  kyc_passport_account_status_sync_recon: 'kyc_passport_account_status',
};

const JST_OFFSET_SECONDS = 9 * 3600;

/** Validates a `POST /_sandbox/recon` body. */
export function parseReconRequest(input: unknown): Result<ReconRequest> {
  if (!isRecord(input)) return fail('body must be a JSON object');
  const fileType = RECON_FILE_TYPES.find((t) => t === input.fileType);
  if (fileType === undefined) return fail(`fileType must be one of ${RECON_FILE_TYPES.join(', ')}`);
  const { generate, failures, redirectTo, period } = input;
  const ids = input.userAuthorizationIds ?? (generate !== undefined ? [] : undefined);
  // One id per CSV line: a comma or line break inside would forge extra rows.
  if (
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === 'string' && /^[\w-]{1,64}$/.test(id))
  ) {
    return fail('userAuthorizationIds must be an array of ids (letters, digits, "-", "_", <= 64)');
  }
  if (
    generate !== undefined &&
    (!isRecord(generate) ||
      typeof generate.prefix !== 'string' ||
      !/^[\w-]{1,40}$/.test(generate.prefix) ||
      !isIntegerIn(generate.count, 1, MAX_GENERATED))
  ) {
    return fail(`generate must be {prefix (1-40 of [A-Za-z0-9_-]), count (1-${MAX_GENERATED})}`);
  }
  const isDay = (day: unknown) =>
    typeof day === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(day) &&
    new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  if (
    period !== undefined &&
    (!isRecord(period) ||
      !isDay(period.from) ||
      !isDay(period.to) ||
      String(period.from) > String(period.to))
  ) {
    return fail('period must be {from, to}, JST days yyyy-mm-dd, from <= to');
  }
  if (failures !== undefined && !isIntegerIn(failures, 0, 10)) {
    return fail('failures must be an integer from 0 to 10');
  }
  if (
    redirectTo !== undefined &&
    (typeof redirectTo !== 'string' ||
      !URL.canParse(redirectTo) ||
      !/^https?:$/.test(new URL(redirectTo).protocol))
  ) {
    return fail('redirectTo must be an http(s) URL');
  }
  const { notificationId, notify } = input;
  if (
    notificationId !== undefined &&
    (typeof notificationId !== 'string' || notificationId === '')
  ) {
    return fail('notificationId must be a non-empty string');
  }
  if (notify !== undefined && typeof notify !== 'boolean') return fail('notify must be a boolean');
  return {
    ok: true,
    value: {
      fileType,
      userAuthorizationIds: ids.filter((id): id is string => typeof id === 'string'),
      ...(isRecord(generate)
        ? { generate: { prefix: String(generate.prefix), count: Number(generate.count) } }
        : {}),
      ...(isRecord(period) ? { period: { from: String(period.from), to: String(period.to) } } : {}),
      ...(failures !== undefined ? { failures } : {}),
      ...(typeof redirectTo === 'string' ? { redirectTo } : {}),
      ...(notificationId !== undefined ? { notificationId } : {}),
      notify: notify ?? true,
    },
  };
}

/**
 * The id in a file name, as PayPay's spec has it: the KYC file is made per
 * `<merchant_id>`, the risk and account-status files per `<client_id>`. Unset
 * ids fall back to each other, then to the start of the tenant id: the API key
 * must never appear in a URL.
 */
export function reconFileOwner(
  fileType: ReconFileType,
  merchant: Merchant,
  tenant: string,
): string {
  const fallback = tenant.slice(0, 16);
  return fileType === 'kyc_passport_sync_recon'
    ? (merchant.merchantId ?? merchant.clientId ?? fallback)
    : (merchant.clientId ?? merchant.merchantId ?? fallback);
}

/**
 * The file name PayPay gives, for yesterday's JST processing day (PayPay lists the
 * users updated from 00:00:00 to 23:59:59 JST and notifies the next morning).
 */
export function reconFileName(
  fileType: ReconFileType,
  owner: string,
  now: number,
  period?: { from: string; to: string },
): string {
  const day = new Date((now + JST_OFFSET_SECONDS - 86_400) * 1000).toISOString().slice(0, 10);
  const from = (period?.from ?? day).replaceAll('-', '');
  const to = (period?.to ?? day).replaceAll('-', '');
  return `${FILE_PREFIX[fileType]}_${owner}_${from}_${to}.csv`;
}

/**
 * The CSV: UTF-8, one id a line, every line ended. PayPay's spec says CRLF and
 * names the column but never says a header line exists, so the format can drop
 * the header, end lines otherwise, or quote every value.
 */
export function reconCsv(
  userAuthorizationIds: string[],
  generate?: { prefix: string; count: number },
  format: ReconFormat = {},
): string {
  const lines = format.header === false ? [] : ['userAuthorizationId'];
  lines.push(...userAuthorizationIds);
  for (let n = 0; n < (generate?.count ?? 0); n++) lines.push(`${generate?.prefix}${n}`);
  const end = lineEndOf(format);
  // Ids are [\w-] only, so quoting never needs an escaped quote.
  const cell = format.quoted ? (value: string) => `"${value}"` : (value: string) => value;
  return lines.map((line) => cell(line) + end).join('');
}

/**
 * `reconCsv` as a stream, made as it is read (a few thousand lines a chunk),
 * so a 2,000,000-id generated file never sits in memory.
 */
export function reconCsvStream(
  userAuthorizationIds: string[],
  generate?: { prefix: string; count: number },
  format: ReconFormat = {},
): ReadableStream<Uint8Array> {
  const end = lineEndOf(format);
  const cell = format.quoted ? (value: string) => `"${value}"` : (value: string) => value;
  const encoder = new TextEncoder();
  const listed = format.header === false ? [] : ['userAuthorizationId'];
  listed.push(...userAuthorizationIds);
  const count = generate?.count ?? 0;
  let n = 0;
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = '';
      for (let k = 0; k < 4096 && i < listed.length; k++) text += cell(listed[i++] ?? '') + end;
      for (let k = 0; k < 4096 && i >= listed.length && n < count; k++) {
        text += cell(`${generate?.prefix}${n++}`) + end;
      }
      if (text === '') controller.close();
      else controller.enqueue(encoder.encode(text));
    },
  });
}

/** The `file.created` notification, shaped exactly as PayPay's spec shows it. */
export function reconNotification(
  fileType: ReconFileType,
  path: string,
  notificationId: string,
  now: number,
): Notification {
  const body = JSON.stringify({
    notification_type: 'file.created',
    notification_id: notificationId,
    fileType,
    path,
    requestedAt: String(now),
  });
  return { target: 'recon', notificationId, body };
}

/**
 * The download, or null (404) for a wrong name or token or a file past its
 * window. `failing` (a download the file was told to fail) answers 503, and a
 * file with `redirectTo` answers 302 there.
 */
export function reconDownload(
  file: ReconFile | undefined,
  fileName: string,
  token: string,
  now: number,
  failing = false,
): Response | null {
  if (!file || file.fileName !== fileName || !constantTimeEqual(file.token, token)) return null;
  if (now >= file.expiresAt) return null;
  if (failing) return new Response('Service Unavailable', { status: 503 });
  if (file.redirectTo !== undefined) {
    return new Response(null, { status: 302, headers: { Location: file.redirectTo } });
  }
  const body = file.generate
    ? reconCsvStream(file.userAuthorizationIds, file.generate, file.format)
    : reconCsv(file.userAuthorizationIds, file.generate, file.format);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
    },
  });
}
