/**
 * @module
 * Case-folded wildcard matching (`*` any run, `?` one UTF-16 code unit) without backtracking and
 * without a regex engine, so a user's pattern cannot make matching super-linear.
 *
 * The greedy segment algorithm: split the pattern on `*`; the first segment must match at the
 * start and the last at the end; the segments between are found left to right, each at its
 * leftmost position after the previous one. Taking the leftmost occurrence is always safe: it
 * leaves the most text for the segments that follow. A segment without `?` is found with
 * Knuth–Morris–Pratt, one with `?` with bit-parallel Shift-And, and each text position is read
 * once per search, so a match costs O(n + m), or O(n·⌈k/32⌉) when a segment of length k holds `?`.
 */

const STAR = 42; // '*'
const ANY = 63; // '?'

/** A compiled pattern. */
export interface Glob {
  test(text: string): boolean;
}

/** One `*`-free piece of the pattern. */
interface Segment {
  readonly codes: readonly number[];
  /** Knuth–Morris–Pratt failure table, for a segment without `?`. */
  readonly fail?: Int32Array;
  /** Shift-And masks per character and for characters the segment does not name (`?` bits). */
  readonly masks?: Map<number, Uint32Array>;
  readonly other?: Uint32Array;
}

function segment(s: string): Segment {
  const codes = Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
  if (!codes.includes(ANY)) {
    const fail = new Int32Array(codes.length);
    for (let i = 1, k = 0; i < codes.length; i++) {
      while (k > 0 && codes[i] !== codes[k]) k = fail[k - 1] as number;
      if (codes[i] === codes[k]) k++;
      fail[i] = k;
    }
    return { codes, fail };
  }
  const words = Math.ceil(codes.length / 32);
  const other = new Uint32Array(words);
  codes.forEach((c, i) => {
    if (c === ANY) other[i >>> 5] = ((other[i >>> 5] as number) | (1 << (i & 31))) >>> 0;
  });
  const masks = new Map<number, Uint32Array>();
  codes.forEach((c, i) => {
    if (c === ANY) return;
    let m = masks.get(c);
    if (!m) masks.set(c, (m = Uint32Array.from(other)));
    m[i >>> 5] = ((m[i >>> 5] as number) | (1 << (i & 31))) >>> 0;
  });
  return { codes, masks, other };
}

class Compiled implements Glob {
  private readonly segs: Segment[];
  private readonly whole: boolean;
  private state = new Uint32Array(0);

  constructor(pattern: string) {
    const parts = pattern.split('*');
    this.whole = parts.length === 1;
    this.segs = parts.map(segment);
  }

  test(text: string): boolean {
    const segs = this.segs;
    const first = segs[0] as Segment;
    if (this.whole) return text.length === first.codes.length && this.at(first, text, 0);
    const last = segs[segs.length - 1] as Segment;
    const end = text.length - last.codes.length;
    if (first.codes.length > end) return false;
    if (!this.at(first, text, 0) || !this.at(last, text, end)) return false;
    let pos = first.codes.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const s = segs[i] as Segment;
      if (s.codes.length === 0) continue;
      const q = s.fail ? this.kmp(s, s.fail, text, pos, end) : this.shiftAnd(s, text, pos, end);
      if (q < 0) return false;
      pos = q + s.codes.length;
    }
    return true;
  }

  /** True when `s` matches `text` at `i`. */
  private at(s: Segment, text: string, i: number): boolean {
    const codes = s.codes;
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k];
      if (c !== ANY && c !== text.charCodeAt(i + k)) return false;
    }
    return true;
  }

  /** Leftmost start of literal `s` within text[from, end), or -1. */
  private kmp(s: Segment, fail: Int32Array, text: string, from: number, end: number): number {
    const codes = s.codes;
    const n = codes.length;
    let k = 0;
    for (let j = from; j < end; j++) {
      const c = text.charCodeAt(j);
      while (k > 0 && codes[k] !== c) k = fail[k - 1] as number;
      if (codes[k] === c) k++;
      if (k === n) return j - n + 1;
    }
    return -1;
  }

  /** Leftmost start of `s` (which holds `?`) within text[from, end), or -1. */
  private shiftAnd(s: Segment, text: string, from: number, end: number): number {
    const n = s.codes.length;
    const words = Math.ceil(n / 32);
    if (this.state.length < words) this.state = new Uint32Array(words);
    const d = this.state;
    d.fill(0, 0, words);
    const top = words - 1;
    const hit = 1 << ((n - 1) & 31);
    const masks = s.masks as Map<number, Uint32Array>;
    const other = s.other as Uint32Array;
    for (let j = from; j < end; j++) {
      const b = masks.get(text.charCodeAt(j)) ?? other;
      // D = ((D << 1) | 1) & B over `words` 32-bit words, lowest word first.
      let carry = 1;
      for (let w = 0; w < words; w++) {
        const v = d[w] as number;
        d[w] = (((v << 1) | carry) & (b[w] as number)) >>> 0;
        carry = v >>> 31;
      }
      if (((d[top] as number) & hit) !== 0) return j - n + 1;
    }
    return -1;
  }
}

/** Compiles `pattern` (already lower-cased by the caller) for repeated matching. */
export function compileGlob(pattern: string): Glob {
  return new Compiled(pattern);
}

/** Matches `text` against `pattern`; both must already be lower-cased by the caller. */
export function globMatch(pattern: string, text: string): boolean {
  return compileGlob(pattern).test(text);
}

/** Number of `*`-separated segments of a pattern (what the expensive-query limit counts). */
export function globSegments(pattern: string): number {
  let n = 1;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === STAR) n++;
  return n;
}
