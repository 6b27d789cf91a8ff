/**
 * @module
 * The value semantics of STIX pattern comparisons, as the OASIS reference matcher defines them.
 * Values of different types are simply unequal (so `!=` holds) and unordered (so `<` and `>`
 * fail); binary values (`h'…'`, `b'…'` and properties named `*_hex` / `*_bin`) compare with
 * strings whose code points are all below 256, byte for byte; a timestamp literal reads a
 * string property as a timestamp, and a malformed one is an error, not a silent mismatch.
 */
import type { Literal } from './ast.js';

/** A byte string (from a binary literal or a `*_hex` / `*_bin` property). */
export class Bytes {
  constructor(readonly bytes: Uint8Array) {}
  /** The bytes as a string of code points 0–255 (for LIKE and MATCHES). */
  latin1(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
}

/** A malformed value in the observed data, which the reference matcher reports as an error. */
export class MatchDataError extends Error {}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The value of a property, decoded by its name's suffix as the reference matcher does. */
export function propertyValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (key.endsWith('_hex')) {
    if (!HEX.test(value)) throw new MatchDataError(`${key}: not hex`);
    return new Bytes(Buffer.from(value, 'hex'));
  }
  if (key.endsWith('_bin')) {
    if (!B64.test(value) || value.length % 4 !== 0) throw new MatchDataError(`${key}: not base64`);
    return new Bytes(Buffer.from(value, 'base64'));
  }
  return value;
}

/** The value of a literal; binary literals become `Bytes`, timestamps nanoseconds. */
export type LiteralValue = number | string | boolean | Bytes | Timestamp;

/** A timestamp as nanoseconds since the epoch (STIX allows any number of fraction digits). */
export class Timestamp {
  constructor(readonly nanos: bigint) {}
}

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** Parses a STIX timestamp strictly (upper-case `T` and `Z`, real calendar date); undefined if malformed. */
export function parseTimestamp(s: string): Timestamp | undefined {
  const m = TS.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  const frac = (m[7] ?? '').slice(0, 9).padEnd(9, '0');
  return new Timestamp(BigInt(ms) * 1_000_000n + BigInt(frac));
}

const literalCache = new WeakMap<Literal, LiteralValue>();

/** The comparable value of a literal. */
export function literalValue(lit: Literal): LiteralValue {
  let v = literalCache.get(lit);
  if (v !== undefined) return v;
  switch (lit.kind) {
    case 'binary':
      v = new Bytes(Buffer.from(lit.value, 'base64'));
      break;
    case 'hex':
      v = new Bytes(Buffer.from(lit.value, 'hex'));
      break;
    case 'timestamp':
      v = parseTimestamp(lit.text.slice(2, -1)) ?? new Timestamp(BigInt(Math.round(lit.value)) * 1_000_000n);
      break;
    default:
      v = lit.value;
  }
  literalCache.set(lit, v);
  return v;
}

/** `s` as bytes when every code point is below 256, else undefined. */
function latin1Bytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) return undefined;
    out[i] = c;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Code-point order of two strings (UTF-16 order differs above U+FFFF). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

/** A string property read as a timestamp because the literal is one; malformed is an error. */
function asTimestamp(v: string): Timestamp {
  const t = parseTimestamp(v);
  if (!t) throw new MatchDataError(`invalid timestamp in the data: ${v}`);
  return t;
}

/**
 * Orders a property value against a literal value: negative, zero or positive, or undefined
 * when the two types have no order (different types, booleans, a string with code points above
 * 255 against bytes).
 */
export function order(value: unknown, lit: LiteralValue): number | undefined {
  if (lit instanceof Timestamp) {
    if (typeof value === 'string') value = asTimestamp(value);
    if (!(value instanceof Timestamp)) return undefined;
    return value.nanos < lit.nanos ? -1 : value.nanos > lit.nanos ? 1 : 0;
  }
  if (typeof lit === 'number') {
    if (typeof value !== 'number') return undefined;
    return value < lit ? -1 : value > lit ? 1 : 0;
  }
  if (typeof lit === 'string') {
    if (typeof value === 'string') return compareStrings(value, lit);
    if (value instanceof Bytes) {
      const b = latin1Bytes(lit);
      return b ? compareBytes(value.bytes, b) : undefined;
    }
    return undefined;
  }
  if (lit instanceof Bytes) {
    if (value instanceof Bytes) return compareBytes(value.bytes, lit.bytes);
    if (typeof value === 'string') {
      const b = latin1Bytes(value);
      return b ? compareBytes(b, lit.bytes) : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** Equality of a property value and a literal value; values of different types are unequal. */
export function equal(value: unknown, lit: LiteralValue): boolean {
  if (typeof lit === 'boolean') return value === lit;
  return order(value, lit) === 0;
}

/** Set membership, by Python's `==` (so `true` is in a set holding `1`, as the reference has it). */
export function member(value: unknown, set: readonly LiteralValue[]): boolean {
  if (set.length === 0) return false;
  if (set[0] instanceof Timestamp && typeof value === 'string') value = asTimestamp(value);
  const v = typeof value === 'boolean' ? Number(value) : value;
  return set.some((l) => {
    if (typeof l === 'boolean') return v === Number(l);
    if (typeof l === 'number') return typeof v === 'number' && v === l;
    if (typeof l === 'string') return typeof v === 'string' && v === l;
    if (l instanceof Bytes) return v instanceof Bytes && compareBytes(v.bytes, l.bytes) === 0;
    return v instanceof Timestamp && v.nanos === l.nanos;
  });
}
