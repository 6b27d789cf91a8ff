/**
 * @module
 * Property tests of the STIX pattern matcher: typed equality and ordering, IN, LIKE (a linear
 * glob) and MATCHES (on RE2), so hostile patterns cannot stall a detector, ISSUBSET/ISSUPERSET on networks, and
 * path resolution through lists and `*_ref` dereferences.
 */
import { RE2JS } from 're2js';
import type { Comparison, Literal, PathStep } from './ast.js';
import type { ObservedObject } from './observation.js';
import { compileLike, type LikeMatcher } from './like.js';
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
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const got = (v as Record<string, unknown>)[step.key];
          if (got !== undefined) next.push(got);
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
  // A trailing list with no index step is compared element-wise, as the reference matcher does.
  return current.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v]));
}

const regexCache = new Map<string, RE2JS | RegExp | null>();

function compileRegex(source: string): RE2JS | RegExp | null {
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

function toBinaryString(v: unknown, isBin: boolean): string | undefined {
  if (typeof v !== 'string') return undefined;
  return isBin ? Buffer.from(v, 'base64').toString('latin1') : v;
}

type Cmp = -1 | 0 | 1 | undefined;

/** Orders an observed value against a literal; undefined when the types are not comparable. */
function order(value: unknown, lit: Literal, pathKey: string): Cmp {
  const sign = (d: number): Cmp => (Number.isNaN(d) ? undefined : d < 0 ? -1 : d > 0 ? 1 : 0);
  switch (lit.kind) {
    case 'int':
    case 'float': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return sign(n - lit.value);
    }
    case 'timestamp': {
      if (typeof value !== 'string') return undefined;
      return sign(Date.parse(value) - lit.value);
    }
    case 'string': {
      if (typeof value === 'number' && /^-?\d+(\.\d+)?$/.test(lit.value)) return sign(value - Number(lit.value));
      if (typeof value !== 'string') return undefined;
      return value < lit.value ? -1 : value > lit.value ? 1 : 0;
    }
    case 'bool':
      return typeof value === 'boolean' ? (value === lit.value ? 0 : value ? 1 : -1) : undefined;
    case 'hex': {
      if (typeof value !== 'string') return undefined;
      const v = pathKey.endsWith('_bin') ? Buffer.from(value, 'base64').toString('hex') : value.toLowerCase();
      return v < lit.value ? -1 : v > lit.value ? 1 : 0;
    }
    case 'binary': {
      if (typeof value !== 'string') return undefined;
      const a = pathKey.endsWith('_hex') ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
      return sign(Buffer.compare(a, Buffer.from(lit.value, 'base64')));
    }
    default:
      return undefined;
  }
}

function equals(value: unknown, lit: Literal, pathKey: string, objectType: string): boolean {
  // Address values compare as networks, so '198.51.100.1' equals '198.51.100.1/32'.
  if (lit.kind === 'string' && pathKey === 'value' && typeof value === 'string') {
    if (objectType === 'ipv4-addr' || objectType === 'ipv6-addr' || value.includes('.') || value.includes(':')) {
      const a = parseNetwork(value);
      const b = a ? parseNetwork(lit.value) : undefined;
      if (a && b) return networkEquals(a, b);
    }
  }
  return order(value, lit, pathKey) === 0;
}

/** Evaluates one comparison on the values a path resolved to (existential over the values). */
export function testValues(c: Comparison, values: readonly unknown[], objectType: string): boolean {
  if (c.operator === 'EXISTS') return c.negated ? values.length === 0 : values.length > 0;
  const last = [...c.path.steps].reverse().find((s) => s.kind === 'key');
  const pathKey = last && last.kind === 'key' ? last.key : '';
  for (const v of values) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    const r = testOne(c, v, pathKey, objectType);
    if (r === undefined) continue;
    if (c.negated ? !r : r) return true;
  }
  return false;
}

function testOne(c: Comparison, v: unknown, pathKey: string, objectType: string): boolean | undefined {
  const lit = c.value as Literal;
  switch (c.operator) {
    case '=':
      return equals(v, lit, pathKey, objectType);
    case '!=': {
      const o = order(v, lit, pathKey);
      return o === undefined ? undefined : !equals(v, lit, pathKey, objectType);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const o = order(v, lit, pathKey);
      if (o === undefined) return undefined;
      return c.operator === '<' ? o < 0 : c.operator === '<=' ? o <= 0 : c.operator === '>' ? o > 0 : o >= 0;
    }
    case 'IN':
      return (c.value as readonly Literal[]).some((l) => equals(v, l, pathKey, objectType));
    case 'LIKE': {
      const s = toBinaryString(v, pathKey.endsWith('_bin'));
      return s === undefined ? undefined : likeMatcher(lit.value as string).test(s);
    }
    case 'MATCHES': {
      const s = toBinaryString(v, pathKey.endsWith('_bin'));
      const re = compileRegex(lit.value as string);
      if (s === undefined || re === null) return undefined;
      return re.test(s);
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      if (typeof v !== 'string') return undefined;
      const a = parseNetwork(v);
      const b = parseNetwork(lit.value as string);
      if (!a || !b) return undefined;
      return c.operator === 'ISSUBSET' ? networkContains(b, a) : networkContains(a, b);
    }
    default:
      return undefined;
  }
}
