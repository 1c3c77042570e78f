import { PAYPAY_OPERATIONS, type PayPayOperation } from '../shared/paypay-codes';
import { fail, isIntegerIn, isRecord, type Result } from './validate';

/** The failures the sandbox can inject, as PayPay's own answers under load or outage. */
export const FAULT_KINDS = [
  'rate_limit',
  'internal_error',
  'maintenance',
  'latency',
  'hang',
] as const;

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault waiting for matching requests. */
export interface Fault {
  operation: PayPayOperation | '*';
  fault: FaultKind;
  /** Matching requests it still affects; absent = every one. */
  times?: number;
  latencyMs?: number;
}

/** What the faults decided for one request. */
export interface FaultPlan {
  /** Added delay before answering (latency faults). */
  delayMs: number;
  /** The fault that replaces the answer, if any. */
  failure?: Exclude<FaultKind, 'latency'>;
  /** How long a hang lasts before its 500. */
  hangMs: number;
  /** The fault list after this request used its share. */
  remaining: Fault[];
}

const DEFAULT_LATENCY_MS = 1000;
/** Longer than PayPay's documented 10 s QR timeout, so clients see their own timeout fire. */
const DEFAULT_HANG_MS = 30_000;
const MAX_DELAY_MS = 120_000;

/** Validates a `PUT /_sandbox/faults` body. */
export function parseFault(input: unknown): Result<Fault> {
  if (!isRecord(input)) return fail('body must be a JSON object');
  const { operation, fault, times, latencyMs } = input;
  const op = operation === '*' ? '*' : PAYPAY_OPERATIONS.find((o) => o === operation);
  if (op === undefined) {
    return fail(`operation must be * or one of ${PAYPAY_OPERATIONS.join(', ')}`);
  }
  const kind = FAULT_KINDS.find((k) => k === fault);
  if (kind === undefined) return fail(`fault must be one of ${FAULT_KINDS.join(', ')}`);
  if (times !== undefined && !isIntegerIn(times, 1, 1_000_000)) {
    return fail('times must be a positive integer');
  }
  if (latencyMs !== undefined && !isIntegerIn(latencyMs, 0, MAX_DELAY_MS)) {
    return fail(`latencyMs must be an integer from 0 to ${MAX_DELAY_MS}`);
  }
  return {
    ok: true,
    value: {
      operation: op,
      fault: kind,
      ...(times !== undefined ? { times } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
    },
  };
}

/**
 * Applies the faults to one request of `operation`, in the order they were added:
 * latency faults add up, the first other fault decides the answer and stops the
 * walk. Each fault used loses one of its `times`.
 */
export function planFaults(faults: Fault[], operation: PayPayOperation): FaultPlan {
  const plan: FaultPlan = { delayMs: 0, hangMs: 0, remaining: [] };
  for (const fault of faults) {
    const applies =
      plan.failure === undefined && (fault.operation === '*' || fault.operation === operation);
    if (!applies) {
      plan.remaining.push(fault);
      continue;
    }
    if (fault.times === undefined) plan.remaining.push(fault);
    else if (fault.times > 1) plan.remaining.push({ ...fault, times: fault.times - 1 });
    if (fault.fault === 'latency') {
      plan.delayMs += fault.latencyMs ?? DEFAULT_LATENCY_MS;
    } else {
      plan.failure = fault.fault;
      plan.hangMs = fault.latencyMs ?? DEFAULT_HANG_MS;
    }
  }
  return plan;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
