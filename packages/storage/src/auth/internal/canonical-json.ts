/**
 * @module
 * Canonical JSON for hashing: object keys sorted by code unit, no whitespace, `undefined`
 * members dropped. Two equal values always give the same bytes, whatever their key order.
 */

/** Serialises `value` canonically. Non-finite numbers become null, as in JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
