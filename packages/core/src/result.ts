/**
 * @module
 * Result values for hot paths: a malformed log line is data, not an exception.
 */

/** Success or failure with a human-readable reason. */
export type Result<T, R = string> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: R };

/** Wraps a value as a success. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** Wraps a reason as a failure. */
export function fail<R = string>(reason: R): { readonly ok: false; readonly reason: R } {
  return { ok: false, reason };
}
