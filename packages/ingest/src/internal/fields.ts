/**
 * @module
 * Flattening of parsed records into `FlatFields`. Same shape as core's `flattenInto` (dotted keys,
 * arrays of scalars kept as arrays, arrays of objects indexed, same depth/field limits and the same
 * `[nested too deep]` marker), but tuned for the ingest hot path and safe against `__proto__` keys:
 * a plain assignment `out['__proto__'] = [..]` would replace the record's prototype and lose the field.
 */
import type { FieldValue, FlatFields, Scalar } from '@intersoc/core';

/** Deeper objects become the marker `[nested too deep]` (the raw record keeps them). */
export const MAX_DEPTH = 16;
/** Fields beyond this count are dropped. */
export const MAX_FIELDS = 4096;
const TOO_DEEP = '[nested too deep]';

/** Sets one field, defining `__proto__` as an own property instead of changing the prototype. */
export function setField(out: FlatFields, key: string, value: FieldValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/** Own, enumerable string-keyed value of an untrusted object (never an inherited one like `constructor`). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Converts a JSON leaf to a field scalar; non-finite numbers (`1e400`) keep their text. */
export function toScalar(v: unknown): Scalar {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  return v === undefined ? null : String(v);
}

/** Flattening state shared across one record. */
export interface FlattenState {
  count: number;
  /** Set when a limit cut data off. */
  truncated: boolean;
}

/** A fresh flattening state. */
export function newFlattenState(): FlattenState {
  return { count: 0, truncated: false };
}

/**
 * Flattens `value` under `key` into `out`. An object at the top (`key === ''`) contributes its
 * members without a prefix. `depth` counts the levels already descended.
 */
export function flattenValue(out: FlatFields, value: unknown, key: string, depth: number, st: FlattenState): void {
  if (value === null || typeof value !== 'object') {
    if (st.count >= MAX_FIELDS) {
      st.truncated = true;
      return;
    }
    st.count++;
    setField(out, key, toScalar(value));
    return;
  }
  if (depth >= MAX_DEPTH) {
    setField(out, key, TOO_DEEP);
    st.truncated = true;
    return;
  }
  if (Array.isArray(value)) {
    flattenArray(out, value as unknown[], key, depth, st);
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    flattenValue(out, obj[k], key === '' ? k : key + '.' + k, depth + 1, st);
  }
}

function flattenArray(out: FlatFields, arr: unknown[], key: string, depth: number, st: FlattenState): void {
  let scalars = true;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v !== null && typeof v === 'object') {
      scalars = false;
      break;
    }
  }
  if (scalars) {
    if (st.count >= MAX_FIELDS) {
      st.truncated = true;
      return;
    }
    st.count++;
    const vals: Scalar[] = new Array<Scalar>(arr.length);
    for (let i = 0; i < arr.length; i++) vals[i] = toScalar(arr[i]);
    setField(out, key, vals);
    return;
  }
  for (let i = 0; i < arr.length; i++) {
    flattenValue(out, arr[i], key === '' ? String(i) : key + '.' + i, depth + 1, st);
  }
}

/** Parses JSON without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : 'invalid JSON' };
  }
}

/** True for a plain (non-array, non-null) object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A non-negative decimal integer string (up to 15 digits) as a number; undefined otherwise. */
export function decimal(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 15) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Flattens a freshly parsed JSON object in place and returns it as the record's fields: scalar
 * members and arrays of scalars stay where they are (no copy, which costs as much as JSON.parse
 * for wide records), nested objects are replaced by their dotted keys. Only for objects the caller
 * owns. Objects with more than `MAX_FIELDS` members are copied with the limits instead.
 */
export function flattenOwned(obj: Record<string, unknown>, st: FlattenState): FlatFields {
  const keys = Object.keys(obj);
  if (keys.length > MAX_FIELDS) {
    const out: FlatFields = {};
    flattenValue(out, obj, '', 0, st);
    return out;
  }
  st.count += keys.length;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) obj[k] = String(v);
      continue;
    }
    if (Array.isArray(v) && scalarArray(v as unknown[])) continue;
    st.count--;
    delete obj[k];
    flattenValue(obj as FlatFields, v, k, 1, st);
  }
  return obj as FlatFields;
}

/** True for an array of JSON scalars that need no conversion (finite numbers only). */
function scalarArray(arr: unknown[]): boolean {
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v !== null && typeof v === 'object') return false;
    if (typeof v === 'number' && !Number.isFinite(v)) return false;
  }
  return true;
}
