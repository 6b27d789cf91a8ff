/**
 * @module
 * RFC 8785 (JCS) canonical JSON for the digests objects are signed under, done once per object
 * on its way through the federation. JCS writes object keys sorted by UTF-16 code units and
 * strings and numbers as ECMAScript's JSON serialisation does; so a value whose keys already
 * stand in that order *is* canonical under V8's native `JSON.stringify`. The sender therefore
 * emits objects in canonical key order (`canonicalOrder`), and every receiver and relay only
 * checks the order before the native serialisation, instead of rebuilding the text key by key.
 */
import { canonicalJson as referenceCanonicalJson } from '@intersoc/cti';

/** An integer-like key: V8 puts these first in numeric order, whatever the insertion order. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,8})$/;

/** True when every object in `v` has its keys in canonical order (and JSON can write `v` as is). */
function inOrder(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (const x of v) if (!inOrder(x)) return false;
    return true;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  let prev: string | undefined;
  for (const k in v) {
    if (prev !== undefined && !(prev < k)) return false;
    if (!inOrder((v as Record<string, unknown>)[k])) return false;
    prev = k;
  }
  return true;
}

/** A copy with keys in canonical order; undefined where V8 cannot keep that order. */
function sortedCopy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? undefined : v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = sortedCopy(x);
      if (c === undefined && x !== undefined) return undefined;
      out.push(c);
    }
    return out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    if (INDEX_KEY.test(k) || k === '__proto__') return undefined;
    const x = (v as Record<string, unknown>)[k];
    const c = sortedCopy(x);
    if (c === undefined && x !== undefined) return undefined;
    out[k] = c;
  }
  return out;
}

/**
 * `value` with its keys in canonical order: itself when they already are, else a copy (or
 * itself when no copy can hold that order: its canonical JSON is then built the slow way).
 */
export function canonicalOrder<T>(value: T): T {
  if (inOrder(value)) return value;
  const copy = sortedCopy(value);
  return copy === undefined ? value : (copy as T);
}

/** RFC 8785 canonical JSON of a JSON value (throws on values JSON cannot represent, as JCS does). */
export function canonicalJson(value: unknown): string {
  if (inOrder(value)) {
    const s = JSON.stringify(value);
    if (s !== undefined) return s;
  }
  const copy = sortedCopy(value);
  return copy === undefined ? referenceCanonicalJson(value) : (JSON.stringify(copy) ?? referenceCanonicalJson(value));
}
