/**
 * @module
 * Flattening of nested records into one level of dotted keys, bounded so hostile input
 * (deep nesting, huge arrays) cannot blow the stack or memory.
 */
import type { FieldValue, FlatFields, Scalar } from './event.js';

/** Limits for flattening. */
export interface FlattenLimits {
  /** Deeper objects are kept as their JSON text. */
  readonly maxDepth: number;
  /** Fields beyond this count are dropped (and the record is flagged by the caller). */
  readonly maxFields: number;
}

const DEFAULT_LIMITS: FlattenLimits = { maxDepth: 16, maxFields: 4096 };

/**
 * Flattens `value` into `out` with keys joined by '.'. Arrays of scalars stay arrays; arrays of
 * objects are flattened with their index (`a.0.b`). Returns false when a limit cut data off
 * (deeper levels become the marker `[nested too deep]`; the raw record still holds them).
 */
export function flattenInto(
  out: FlatFields,
  value: unknown,
  prefix = '',
  limits: FlattenLimits = DEFAULT_LIMITS,
): boolean {
  return walk({ out, count: 0, limits }, value, prefix, 0);
}

interface WalkState {
  readonly out: FlatFields;
  count: number;
  readonly limits: FlattenLimits;
}

function walk(st: WalkState, value: unknown, key: string, depth: number): boolean {
  const { out, limits } = st;
  if (value === null || typeof value !== 'object') {
    if (st.count >= limits.maxFields) return false;
    st.count++;
    put(out, key, toScalar(value));
    return true;
  }
  if (depth >= limits.maxDepth) {
    // Serialising the remainder could itself overflow the stack; the raw record keeps it all.
    put(out, key, '[nested too deep]');
    return false;
  }
  let complete = true;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      st.count++;
      put(out, key, value.map(toScalar) as FieldValue);
      return true;
    }
    value.forEach((v, i) => {
      complete = walk(st, v, key === '' ? String(i) : `${key}.${i}`, depth + 1) && complete;
    });
    return complete;
  }
  for (const [k, v] of Object.entries(value)) {
    complete = walk(st, v, key === '' ? k : `${key}.${k}`, depth + 1) && complete;
  }
  return complete;
}

function toScalar(v: unknown): Scalar {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return v === undefined ? null : String(v);
}

/** The string form of a field value, as search and Sigma compare it. Arrays join with ','. */
export function fieldText(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => (x === null ? '' : String(x))).join(',');
  return String(v);
}

/** Sets a field; `__proto__` becomes an own property instead of replacing the prototype. */
function put(out: FlatFields, key: string, value: FieldValue): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
