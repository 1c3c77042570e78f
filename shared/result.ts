/**
 * The one result shape: a value, or a typed error. Parsers and validators
 * return it instead of throwing, on both sides of the wire; the caller maps
 * the error to its own answer (workers-oauth-provider's `Result`).
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** A success. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A failure. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
