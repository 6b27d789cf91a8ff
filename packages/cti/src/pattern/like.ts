/**
 * @module
 * STIX `LIKE` as a linear glob, never a backtracking regex: `%` is any run of characters, `_`
 * exactly one. The pattern is split on `%`; the first segment is anchored at the start, the last
 * at the end, and each middle segment is taken at its leftmost occurrence, left to right. Taking
 * the leftmost occurrence is always safe (it leaves the most room for what follows), so no
 * choice is ever revisited and a test costs O(text × pattern) at worst. Characters are Unicode
 * code points, as in the reference matcher.
 */

/** A compiled LIKE pattern. */
export interface LikeMatcher {
  /** True when the whole text matches. */
  test(text: string): boolean;
}

type Units = string | readonly string[];

/** A run between `%`s; `plain` when it holds no `_`, so native string search applies. */
interface Segment {
  readonly units: Units;
  readonly plain: boolean;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of `s`; the string itself when it has no surrogate pair (indexing is then exact). */
function units(s: string): Units {
  return SURROGATE.test(s) ? Array.from(s) : s;
}

function segment(s: string): Segment {
  return { units: units(s), plain: !s.includes('_') };
}

/** True when `seg` matches `text` at `at` (`_` matches any one character). */
function matchAt(text: Units, at: number, seg: Segment): boolean {
  const u = seg.units;
  if (seg.plain && typeof text === 'string' && typeof u === 'string') return text.startsWith(u, at);
  for (let j = 0; j < u.length; j++) {
    const c = u[j];
    if (c !== '_' && c !== text[at + j]) return false;
  }
  return true;
}

/** Leftmost position ≥ `from` where `seg` matches and ends by `end`, or -1. */
function find(text: Units, from: number, end: number, seg: Segment): number {
  const u = seg.units;
  // A segment without `_` is a plain substring: the engine's search is much faster.
  if (seg.plain && typeof text === 'string' && typeof u === 'string') {
    const at = text.indexOf(u, from);
    return at >= 0 && at + u.length <= end ? at : -1;
  }
  for (let i = from; i + u.length <= end; i++) if (matchAt(text, i, seg)) return i;
  return -1;
}

/**
 * Compiles a LIKE pattern.
 *
 * @example
 * compileLike('%q_z').test('aaqxz'); // true
 */
export function compileLike(pattern: string): LikeMatcher {
  const parts = pattern.split('%').map(segment);
  if (parts.length === 1) {
    const only = parts[0] as Segment;
    return {
      test: (s) => {
        const t = units(s);
        return t.length === only.units.length && matchAt(t, 0, only);
      },
    };
  }
  const first = parts[0] as Segment;
  const last = parts[parts.length - 1] as Segment;
  const middle = parts.slice(1, -1).filter((p) => p.units.length > 0);
  return {
    test: (s) => {
      const t = units(s);
      if (t.length < first.units.length + last.units.length) return false;
      const end = t.length - last.units.length;
      if (!matchAt(t, 0, first) || !matchAt(t, end, last)) return false;
      let pos = first.units.length;
      for (const seg of middle) {
        const at = find(t, pos, end, seg);
        if (at < 0) return false;
        pos = at + seg.units.length;
      }
      return true;
    },
  };
}
