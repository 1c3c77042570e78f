import {
  DEFAULT_PAYPAY_ROUTES,
  PATH_PLACEHOLDER_OF,
  PAYPAY_OPERATIONS,
  PAYPAY_SCOPE_OF,
  type PayPayMethod,
  type PayPayOperation,
} from '../../shared/paypay-codes';
import { err, ok, type Result } from '../../shared/result';

/**
 * How a call may be retried. `create` calls change state at PayPay, so they are
 * re-sent only where PayPay cannot have acted; `read` calls are safe to repeat,
 * and so is a `delete`: ending what has ended already changes nothing.
 */
export type EndpointKind = 'create' | 'read' | 'delete';

/** One PayPay call: where it goes, how long we wait, whether it is safe to repeat. */
export interface Endpoint {
  method: PayPayMethod;
  /** Path template; the operation's placeholder (`PATH_PLACEHOLDER_OF`), if any, once. */
  path: string;
  timeoutMs: number;
  kind: EndpointKind;
  /** The scope the user must have granted for this call (PayPay's page); null for none. */
  scope: string | null;
}

/** Every PayPay call the product makes, by operation. */
export type EndpointTable = Readonly<Record<PayPayOperation, Endpoint>>;

/**
 * The defaults. PayPay publishes a 10 s timeout for QR creation; the others get
 * the same ceiling because PayPay publishes none. Fetching the KYC of a completed
 * QR is a POST but only reads, so it is retried like a read.
 */
export const DEFAULT_ENDPOINTS: EndpointTable = {
  createQr: entry('createQr', 'create'),
  fetchCompletedKyc: entry('fetchCompletedKyc', 'read'),
  kycPassportInfo: entry('kycPassportInfo', 'read'),
  userKycInfo: entry('userKycInfo', 'read'),
  // Published with a 15 s timeout in PayPay's SDKs (java docs/UserApi.md).
  userAuthorization: entry('userAuthorization', 'read', 15_000),
  unlinkUser: entry('unlinkUser', 'delete', 15_000),
};

function entry(operation: PayPayOperation, kind: EndpointKind, timeoutMs = 10_000): Endpoint {
  // [G] for the KYC paths but createQr's, and for every 10 s timeout but createQr's.
  return {
    ...DEFAULT_PAYPAY_ROUTES[operation],
    timeoutMs,
    kind,
    scope: PAYPAY_SCOPE_OF[operation],
  };
}

const OVERRIDABLE = new Set(['method', 'path', 'timeoutMs']);
const PATH_PATTERN = /^\/[A-Za-z0-9._~\-/{}]*$/;

/** The endpoint table, or the reason `PAYPAY_ENDPOINTS` could not be used. */
export type EndpointsResult = Result<EndpointTable, string>;

/**
 * Reads `PAYPAY_ENDPOINTS`: JSON mapping operation names to partial entries
 * (`method`, `path`, `timeoutMs`), merged over the defaults so one entry or all
 * of them can be replaced. Anything unexpected is refused with a reason rather
 * than half-applied, because a wrong path is only found at the first live call.
 */
export function parseEndpoints(raw: string | undefined): EndpointsResult {
  if (raw === undefined || raw.trim() === '') return ok(DEFAULT_ENDPOINTS);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return err('PAYPAY_ENDPOINTS is not valid JSON');
  }
  if (!isPlainObject(parsed)) return err('PAYPAY_ENDPOINTS must be a JSON object');
  const table: Record<PayPayOperation, Endpoint> = { ...DEFAULT_ENDPOINTS };
  for (const [name, override] of Object.entries(parsed)) {
    if (!(PAYPAY_OPERATIONS as readonly string[]).includes(name)) {
      return err(`PAYPAY_ENDPOINTS names an unknown operation "${name}"`);
    }
    const operation = name as PayPayOperation;
    const merged = mergeEntry(operation, table[operation], override);
    if (typeof merged === 'string') return err(merged);
    table[operation] = merged;
  }
  return ok(table);
}

function mergeEntry(
  operation: PayPayOperation,
  base: Endpoint,
  override: unknown,
): Endpoint | string {
  const where = `PAYPAY_ENDPOINTS.${operation}`;
  if (!isPlainObject(override)) return `${where} must be an object`;
  for (const key of Object.keys(override)) {
    if (!OVERRIDABLE.has(key)) return `${where} has an unknown field "${key}"`;
  }
  const entry = { ...base };
  if (override.method !== undefined) {
    if (override.method !== 'GET' && override.method !== 'POST' && override.method !== 'DELETE')
      return `${where}.method must be GET, POST or DELETE`;
    entry.method = override.method;
  }
  if (override.path !== undefined) {
    const path = override.path;
    if (typeof path !== 'string' || path.length > 200 || !PATH_PATTERN.test(path)) {
      return `${where}.path must be an absolute path without host or query`;
    }
    const placeholders = path.match(/\{[^}]*\}/g) ?? [];
    const wanted = PATH_PLACEHOLDER_OF[operation];
    if (placeholders.join() !== (wanted ?? '')) {
      return `${where}.path must contain ${wanted !== null ? `${wanted} once` : 'no placeholder'}`;
    }
    entry.path = path;
  }
  if (override.timeoutMs !== undefined) {
    const ms = override.timeoutMs;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 50 || ms > 60_000) {
      return `${where}.timeoutMs must be an integer from 50 to 60000`;
    }
    entry.timeoutMs = ms;
  }
  return entry;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
