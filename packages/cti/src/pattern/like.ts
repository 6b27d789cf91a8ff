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

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of `s`; the string itself when it has no surrogate pair (indexing is then exact). */
function units(s: string): Units {
  return SURROGATE.test(s) ? Array.from(s) : s;
}

/** True when `seg` matches `text` at `at` (`_` matches any one character). */
function matchAt(text: Units, at: number, seg: Units): boolean {
  for (let j = 0; j < seg.length; j++) {
    const c = seg[j];
    if (c !== '_' && c !== text[at + j]) return false;
  }
  return true;
}

/** Leftmost position ≥ `from` where `seg` matches and ends by `end`, or -1. */
function find(text: Units, from: number, end: number, seg: Units): number {
  for (let i = from; i + seg.length <= end; i++) if (matchAt(text, i, seg)) return i;
  return -1;
}

/**
 * Compiles a LIKE pattern.
 *
 * @example
 * compileLike('%q_z').test('aaqxz'); // true
 */
export function compileLike(pattern: string): LikeMatcher {
  const parts = pattern.split('%').map(units);
  if (parts.length === 1) {
    const only = parts[0] as Units;
    return {
      test: (s) => {
        const t = units(s);
        return t.length === only.length && matchAt(t, 0, only);
      },
    };
  }
  const first = parts[0] as Units;
  const last = parts[parts.length - 1] as Units;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  return {
    test: (s) => {
      const t = units(s);
      if (t.length < first.length + last.length) return false;
      const end = t.length - last.length;
      if (!matchAt(t, 0, first) || !matchAt(t, end, last)) return false;
      let pos = first.length;
      for (const seg of middle) {
        const at = find(t, pos, end, seg);
        if (at < 0) return false;
        pos = at + seg.length;
      }
      return true;
    },
  };
}
