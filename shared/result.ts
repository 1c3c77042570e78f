/**
 * The one result shape: a value, or a typed error. Parsers, validators and
 * every Durable Object method return it instead of throwing for an expected
 * failure, on both sides of the wire; the caller maps the error to its own
 * answer (workers-oauth-provider's `Result`). A Result whose error cannot
 * happen (`E` is `never`) has only its ok side, so its `value` reads directly.
 */
export type Result<T, E> = Ok<T> | ([E] extends [never] ? never : { ok: false; error: E });

/** The ok side of a Result. */
export interface Ok<T> {
  ok: true;
  value: T;
}

/** A success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** A failure. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
