/**
 * @module
 * Multi-literal search for the cross-rule prefilter: finds which of many (thousands of)
 * literals occur in a text in one pass. Each literal is anchored on one of its 4-character
 * grams (the rarest among the literals); the scan hashes every 4-gram of the text with a rolling
 * hash and verifies the few literals anchored on a hit. Cost is linear in the text plus the
 * verifications, with a small typed-array table instead of an automaton of maps.
 */

const GRAM = 4;
const BASE = 31;
const BASE_POW = BASE ** (GRAM - 1);

/** Finds literals in texts. Literals shorter than 4 characters are checked with `includes`. */
export class LiteralScanner {
  readonly literals: readonly string[];
  private readonly mask: number;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly entryLiteral: Int32Array;
  private readonly entryOffset: Int32Array;
  /** Gram hash of each entry: most slot hits are collisions, rejected without a string compare. */
  private readonly entryHash: Int32Array;
  private readonly short: readonly number[];

  constructor(literals: readonly string[]) {
    this.literals = literals;
    const gramCount = new Map<number, number>();
    const long: number[] = [];
    const short: number[] = [];
    literals.forEach((lit, i) => {
      if (lit.length < GRAM) {
        short.push(i);
        return;
      }
      long.push(i);
      for (let o = 0; o + GRAM <= lit.length; o++) {
        const h = gramHash(lit, o);
        gramCount.set(h, (gramCount.get(h) ?? 0) + 1);
      }
    });
    this.short = short;
    let size = 16;
    while (size < long.length * 8) size *= 2;
    this.mask = size - 1;
    this.heads = new Int32Array(size).fill(-1);
    this.next = new Int32Array(long.length);
    this.entryLiteral = new Int32Array(long.length);
    this.entryOffset = new Int32Array(long.length);
    this.entryHash = new Int32Array(long.length);
    long.forEach((litIndex, e) => {
      const lit = literals[litIndex] as string;
      let bestOffset = 0;
      let bestCount = Number.POSITIVE_INFINITY;
      for (let o = 0; o + GRAM <= lit.length; o++) {
        const c = gramCount.get(gramHash(lit, o)) ?? 0;
        if (c < bestCount) {
          bestCount = c;
          bestOffset = o;
        }
      }
      const gram = gramHash(lit, bestOffset);
      const slot = mix(gram) & this.mask;
      this.entryHash[e] = gram;
      this.entryLiteral[e] = litIndex;
      this.entryOffset[e] = bestOffset;
      this.next[e] = this.heads[slot] as number;
      this.heads[slot] = e;
    });
  }

  /**
   * Writes the index of each literal occurring in `text` into `out` from position `count` on
   * (a literal may appear more than once) and returns the new count. Stops when `out` is full.
   */
  scan(text: string, out: Int32Array, count: number): number {
    let c = count;
    const cap = out.length;
    for (const i of this.short) if (c < cap && text.includes(this.literals[i] as string)) out[c++] = i;
    const n = text.length;
    if (n < GRAM || this.next.length === 0) return c;
    const heads = this.heads;
    const mask = this.mask;
    let h = 0;
    for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
    for (let i = 0; ; i++) {
      let e = heads[mix(h) & mask] as number;
      while (e >= 0) {
        if (this.entryHash[e] !== h) {
          e = this.next[e] as number;
          continue;
        }
        const start = i - (this.entryOffset[e] as number);
        const lit = this.entryLiteral[e] as number;
        if (start >= 0 && c < cap && text.startsWith(this.literals[lit] as string, start)) out[c++] = lit;
        e = this.next[e] as number;
      }
      if (i + GRAM >= n) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), BASE_POW), BASE) + text.charCodeAt(i + GRAM)) | 0;
    }
    return c;
  }
}

function gramHash(s: string, at: number): number {
  let h = 0;
  for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + s.charCodeAt(at + i)) | 0;
  return h;
}

function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 7;
}
