/** A validator's answer: a value, or a message naming what is wrong. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The failed Result. */
export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an integer from `min` to `max`. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
