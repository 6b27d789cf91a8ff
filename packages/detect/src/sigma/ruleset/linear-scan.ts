/**
 * @module
 * The scan engine for literal sets with one- or two-character literals, which leave nothing to
 * skip: every position is looked at once. Literals of four or more characters are anchored on one
 * of their 4-character grams (the rarest among the literals); the scan keeps the last four
 * characters packed in one integer (one shift per character, no rolling hash), checks a bit per
 * hash slot and verifies the few literals anchored on a hit. Two- and three-character literals
 * are found the same way through their first two characters, single characters through a bitmap.
 */
import { foldCode, GOLDEN, matchAt, type ScanEngine } from './literal-match.js';

const GRAM = 4;

/** A hash table with one filter bit per slot, chaining entries by packed key. */
interface Table {
  readonly shift: number;
  readonly heads: Int32Array;
  readonly next: Int32Array;
  readonly key: Int32Array;
  readonly literal: Int32Array;
  /** Characters from the literal's start to the last character of its anchor. */
  readonly end: Int32Array;
  readonly bits: Uint32Array;
}

interface Entry {
  readonly key: number;
  readonly literal: number;
  readonly end: number;
}

function buildTable(entries: readonly Entry[]): Table {
  let log = 6;
  while (1 << log < entries.length * 8) log++;
  const size = 1 << log;
  const heads = new Int32Array(size).fill(-1);
  const bits = new Uint32Array(size >>> 5 || 1);
  const next = new Int32Array(entries.length);
  const key = new Int32Array(entries.length);
  const literal = new Int32Array(entries.length);
  const end = new Int32Array(entries.length);
  const shift = 32 - log;
  entries.forEach((x, e) => {
    const slot = Math.imul(x.key, GOLDEN) >>> shift;
    key[e] = x.key;
    literal[e] = x.literal;
    end[e] = x.end;
    next[e] = heads[slot] as number;
    heads[slot] = e;
    bits[slot >>> 5] = (bits[slot >>> 5] as number) | (1 << (slot & 31));
  });
  return { shift, heads, next, key, literal, end, bits };
}

/** The packed low bytes of `len` characters of `s` from `at`, as the scan computes them. */
function packed(s: string, at: number, len: number): number {
  let k = 0;
  for (let i = 0; i < len; i++) k = (k << 8) | (s.charCodeAt(at + i) & 255);
  return k;
}

/** Looks at every position of the text once. */
export class LinearScan implements ScanEngine {
  private readonly long: Table | undefined;
  private readonly short: Table | undefined;
  /** Single-character literals: bitmap by character code, then the literal index. */
  private readonly singleBits: Uint32Array | undefined;
  private readonly singles: Map<number, number> | undefined;

  constructor(private readonly literals: readonly string[]) {
    const gramCount = new Map<number, number>();
    for (const lit of literals)
      for (let o = 0; o + GRAM <= lit.length; o++) {
        const k = packed(lit, o, GRAM);
        gramCount.set(k, (gramCount.get(k) ?? 0) + 1);
      }
    const long: Entry[] = [];
    const short: Entry[] = [];
    let singles: Map<number, number> | undefined;
    let singleBits: Uint32Array | undefined;
    literals.forEach((lit, i) => {
      if (lit.length === 0) return;
      if (lit.length === 1) {
        const code = lit.charCodeAt(0);
        (singles ??= new Map()).set(code, i);
        singleBits ??= new Uint32Array(2048);
        singleBits[code >>> 5] = (singleBits[code >>> 5] as number) | (1 << (code & 31));
      } else if (lit.length < GRAM) {
        short.push({ key: packed(lit, 0, 2), literal: i, end: 1 });
      } else {
        let best = 0;
        let bestCount = Number.POSITIVE_INFINITY;
        for (let o = 0; o + GRAM <= lit.length; o++) {
          const c = gramCount.get(packed(lit, o, GRAM)) ?? 0;
          if (c < bestCount) {
            bestCount = c;
            best = o;
          }
        }
        long.push({ key: packed(lit, best, GRAM), literal: i, end: best + GRAM - 1 });
      }
    });
    this.singles = singles;
    this.singleBits = singleBits;
    this.long = long.length > 0 ? buildTable(long) : undefined;
    this.short = short.length > 0 ? buildTable(short) : undefined;
  }

  scan(text: string, fold: boolean, out: Int32Array, count: number, seen: Uint32Array, id: number): number {
    const n = text.length;
    const singleBits = this.singleBits;
    const long = this.long;
    const short = this.short;
    const longBits = long?.bits;
    const longShift = long?.shift ?? 0;
    const shortBits = short?.bits;
    const shortShift = short?.shift ?? 0;
    let c = count;
    let key = 0;
    for (let i = 0; i < n; i++) {
      let code = text.charCodeAt(i);
      if (fold) code = foldCode(code);
      key = (key << 8) | (code & 255);
      if (singleBits !== undefined && ((singleBits[code >>> 5] as number) & (1 << (code & 31))) !== 0) {
        const lit = (this.singles as Map<number, number>).get(code);
        if (lit !== undefined && seen[lit] !== id && c < out.length) {
          seen[lit] = id;
          out[c++] = lit;
        }
      }
      if (shortBits !== undefined && i >= 1) {
        const k2 = key & 0xffff;
        const slot = Math.imul(k2, GOLDEN) >>> shortShift;
        if (((shortBits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0)
          c = this.verify(short as Table, slot, k2, text, i, fold, out, c, seen, id);
      }
      if (longBits !== undefined && i >= GRAM - 1) {
        const slot = Math.imul(key, GOLDEN) >>> longShift;
        if (((longBits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0)
          c = this.verify(long as Table, slot, key, text, i, fold, out, c, seen, id);
      }
    }
    return c;
  }

  /** Checks the literals chained at `slot` whose anchor ends at `i`; returns the new count. */
  private verify(
    t: Table,
    slot: number,
    key: number,
    text: string,
    i: number,
    fold: boolean,
    out: Int32Array,
    count: number,
    seen: Uint32Array,
    id: number,
  ): number {
    let c = count;
    for (let e = t.heads[slot] as number; e >= 0; e = t.next[e] as number) {
      if (t.key[e] !== key) continue;
      const lit = t.literal[e] as number;
      if (seen[lit] === id || c >= out.length) continue;
      if (matchAt(text, i - (t.end[e] as number), this.literals[lit] as string, fold)) {
        seen[lit] = id;
        out[c++] = lit;
      }
    }
    return c;
  }
}
