import type { CounterName } from '../../shared/metrics';
import { errorName, logLine } from '../log';
import type { Increment } from './log';
import { metricsOf } from './stub';

/** What keeps an invocation alive for a promise: an ExecutionContext or a DurableObjectState. */
export interface Waiter {
  waitUntil(promise: Promise<unknown>): void;
}

/** A counter's row name: `name:label`, or the bare name without a label. */
export function counterKey(counter: CounterName, label: string | null): string {
  return label === null ? counter : `${counter}:${label}`;
}

/**
 * Counts one thing, in the background: the caller neither waits for the
 * metrics object nor sees it fail. `counter` and `label` are names only
 * (shared/metrics.ts), never an id or anything about a person.
 */
export function countLater(
  env: Env,
  waiter: Waiter,
  counter: CounterName,
  label: string | null,
  by = 1,
): void {
  countAllLater(env, waiter, [[counterKey(counter, label), by]]);
}

/** Counts many things (and completion times, seconds) in one call, in the background. */
export function countAllLater(
  env: Env,
  waiter: Waiter,
  increments: readonly Increment[],
  completions: readonly number[] = [],
): void {
  try {
    waiter.waitUntil(countNow(env, increments, completions));
  } catch {
    // A counter is never worth failing the work it counts.
  }
}

/**
 * Counts, awaited, where there is no ExecutionContext (a queue consumer).
 * Never throws: a failure is logged by name and the count is lost.
 */
export async function countNow(
  env: Env,
  increments: readonly Increment[],
  completions: readonly number[] = [],
  at = Date.now(),
): Promise<void> {
  const some = increments.filter(([, by]) => by > 0);
  if (some.length === 0 && completions.length === 0) return;
  try {
    // A deployment whose wrangler.jsonc predates the binding counts nothing.
    if ((env as Partial<Env>).METRICS === undefined) return;
    await metricsOf(env).add(at, some, completions);
  } catch (error) {
    logLine('warn', 'error', { what: 'metrics not counted', error: errorName(error) });
  }
}
