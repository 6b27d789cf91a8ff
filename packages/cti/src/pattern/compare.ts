/**
 * @module
 * Property tests of the STIX pattern matcher: path resolution through lists and `*_ref`
 * dereferences, then `=`, `!=`, ordering, IN, LIKE (a linear glob) and MATCHES (on RE2), so
 * hostile patterns cannot stall a detector, and ISSUBSET/ISSUPERSET on networks. Value
 * semantics (types, binary, timestamps) are in `values.ts`. `NOT` inverts the test's result for
 * every value, including values the operator does not apply to, as the reference matcher does.
 */
import { RE2JS } from 're2js';
import type { Comparison, Literal, PathStep } from './ast.js';
import type { ObservedObject } from './observation.js';
import { compileLike, type LikeMatcher } from './like.js';
import { Bytes, equal, literalValue, member, order, propertyValue, type LiteralValue } from './values.js';
import { networkContains, networkEquals, parseNetwork } from '../indicators/ip.js';

/** Resolves a path from an object: lists fan out, `*_ref(s)` followed by a step are dereferenced. */
export function resolvePath(
  root: ObservedObject,
  steps: readonly PathStep[],
  lookup: (ref: string) => ObservedObject | undefined,
): unknown[] {
  let current: unknown[] = [root];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as PathStep;
    const next: unknown[] = [];
    for (const value of current) {
      let v = value;
      if (typeof v === 'string' && i > 0) {
        // A reference reached by the previous step: dereference it before stepping into it.
        const prev = steps[i - 1];
        const refLike = prev?.kind === 'index' || (prev?.kind === 'key' && /_refs?$/.test(prev.key));
        if (refLike) v = lookup(v);
      }
      if (step.kind === 'key') {
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step.key)) {
          next.push(propertyValue(step.key, (v as Record<string, unknown>)[step.key]));
        }
      } else if (Array.isArray(v)) {
        if (step.index === '*') next.push(...(v as unknown[]));
        else {
          const idx = step.index < 0 ? v.length + step.index : step.index;
          if (idx >= 0 && idx < v.length) next.push(v[idx]);
        }
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  // A trailing list with no index step is compared element-wise.
  return current.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
}

const regexCache = new Map<string, RE2JS | null>();

function compileRegex(source: string): RE2JS | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = RE2JS.compile(source);
    } catch {
      re = null;
    }
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

const likeCache = new Map<string, LikeMatcher>();

function likeMatcher(pattern: string): LikeMatcher {
  let m = likeCache.get(pattern);
  if (m === undefined) {
    m = compileLike(pattern);
    if (likeCache.size > 10_000) likeCache.clear();
    likeCache.set(pattern, m);
  }
  return m;
}

/** All code points below 256, so the text can also be matched against bytes. */
function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

const nfcCache = new Map<string, string>();

/** NFC form of `s`; one value meets many comparisons and indicators, so results are kept a while. */
function nfc(s: string): string {
  let n = nfcCache.get(s);
  if (n === undefined) {
    if (nfcCache.size >= 4096) nfcCache.clear();
    nfcCache.set(s, (n = s.normalize('NFC')));
  }
  return n;
}

const patternText = new WeakMap<Literal, string>();

/** The NFC text of a LIKE or MATCHES literal, normalised once. */
function patternOf(lit: Literal): string {
  let p = patternText.get(lit);
  if (p === undefined) patternText.set(lit, (p = (lit.value as string).normalize('NFC')));
  return p;
}

/** The text LIKE and MATCHES see: NFC strings, bytes as code points 0–255 (when the pattern allows). */
function textOf(v: unknown, pattern: string): string | undefined {
  if (typeof v === 'string') return nfc(v);
  if (v instanceof Bytes && isLatin1(pattern)) return v.latin1();
  return undefined;
}

const lastKeys = new WeakMap<Comparison, string>();

/** The last property name of a comparison's path (`value` in `dst_ref.value`). */
function lastKey(c: Comparison): string {
  let k = lastKeys.get(c);
  if (k === undefined) {
    const last = [...c.path.steps].reverse().find((s) => s.kind === 'key');
    lastKeys.set(c, (k = last && last.kind === 'key' ? last.key : ''));
  }
  return k;
}

/** Evaluates one comparison on the values a path resolved to (existential over the values). */
export function testValues(c: Comparison, values: readonly unknown[], objectType: string): boolean {
  if (c.operator === 'EXISTS') return c.negated ? values.length === 0 : values.length > 0;
  const pathKey = lastKey(c);
  for (const v of values) {
    const r = testOne(c, v, pathKey, objectType);
    if (c.negated ? !r : r) return true;
  }
  return false;
}

/** Address values compare as networks, so '198.51.100.1' equals '198.51.100.1/32'. */
function addressEquals(v: string, lit: string, pathKey: string, objectType: string): boolean | undefined {
  if (pathKey !== 'value') return undefined;
  if (!(objectType === 'ipv4-addr' || objectType === 'ipv6-addr' || v.includes('.') || v.includes(':')))
    return undefined;
  const a = parseNetwork(v);
  const b = a ? parseNetwork(lit) : undefined;
  return a && b ? networkEquals(a, b) : undefined;
}

function isEqual(v: unknown, lit: Literal, pathKey: string, objectType: string): boolean {
  if (lit.kind === 'string' && typeof v === 'string') {
    const net = addressEquals(v, lit.value, pathKey, objectType);
    if (net !== undefined) return net;
  }
  return equal(v, literalValue(lit));
}

function testOne(c: Comparison, v: unknown, pathKey: string, objectType: string): boolean {
  switch (c.operator) {
    case '=':
      return isEqual(v, c.value as Literal, pathKey, objectType);
    case '!=':
      return !isEqual(v, c.value as Literal, pathKey, objectType);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const o = order(v, literalValue(c.value as Literal));
      if (o === undefined) return false;
      return c.operator === '<' ? o < 0 : c.operator === '<=' ? o <= 0 : c.operator === '>' ? o > 0 : o >= 0;
    }
    case 'IN': {
      const set = c.value as readonly Literal[];
      const values: LiteralValue[] = set.map(literalValue);
      if (typeof v === 'string' && set.some((l) => l.kind === 'string' && isEqual(v, l, pathKey, objectType)))
        return true;
      return member(v, values);
    }
    case 'LIKE': {
      const pattern = patternOf(c.value as Literal);
      const s = textOf(v, pattern);
      return s !== undefined && likeMatcher(pattern).test(s);
    }
    case 'MATCHES': {
      const source = patternOf(c.value as Literal);
      const s = textOf(v, source);
      const re = compileRegex(source);
      return s !== undefined && re !== null && re.matcher(s).find();
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      if (typeof v !== 'string') return false;
      const a = parseNetwork(v);
      const b = parseNetwork((c.value as Literal).value as string);
      if (!a || !b) return false;
      return c.operator === 'ISSUBSET' ? networkContains(b, a) : networkContains(a, b);
    }
    default:
      return false;
  }
}
