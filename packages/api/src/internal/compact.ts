/**
 * @module
 * Drops `undefined` members, turning zod's `{ a?: T | undefined }` output into the
 * `{ a?: T }` shapes the stores and services declare under `exactOptionalPropertyTypes`.
 */

/** The type of `compact(o)`. */
export type Compact<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** A copy of `o` without its undefined members. */
export function compact<T extends object>(o: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Compact<T>;
}
