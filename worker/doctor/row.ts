/** The doctor's check ids, in the order the answer lists them. */
export const CHECKS = [
  'settings',
  'clock',
  'signature',
  'scopes',
  'endpoints',
  'callback',
  'webhooks',
  'recon',
  'ingest',
] as const;

export type CheckId = (typeof CHECKS)[number];

/**
 * One row of the doctor's answer. `detail` is one or two sentences that never
 * carry a secret; a failed row's ends with the fix. `requestId` is PayPay's
 * X-REQUEST-ID of the call the row made, for support.
 */
export interface CheckRow {
  check: CheckId;
  ok: boolean;
  detail: string;
  requestId?: string;
}

/** A row that passed. */
export function pass(check: CheckId, detail: string, requestId?: string | null): CheckRow {
  return withRequestId({ check, ok: true, detail }, requestId);
}

/** A row that failed, its detail ending with the one-sentence fix. */
export function fail(
  check: CheckId,
  detail: string,
  fix: string,
  requestId?: string | null,
): CheckRow {
  return withRequestId({ check, ok: false, detail: `${detail} Fix: ${fix}` }, requestId);
}

function withRequestId(row: CheckRow, requestId: string | null | undefined): CheckRow {
  return requestId ? { ...row, requestId } : row;
}

/** "a, b and c": lists read as sentences in a detail. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
