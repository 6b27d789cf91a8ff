/**
 * @module
 * Multi-literal search for the cross-rule prefilter: finds which of many (thousands of)
 * literals occur in a text in one pass. Literals of four or more characters are anchored on one
 * of their 4-character grams (the rarest among the literals); the scan hashes every 4-gram of
 * the text with a rolling hash and verifies the few literals anchored on a hit. Two- and
 * three-character literals are found through an exact table of their first two characters, and
 * single characters through a bitmap. Cost is linear in the text plus the verifications, with
 * small typed-array tables instead of an automaton of maps.
 */

const GRAM = 4;
const BASE = 31;
const BASE_POW = BASE ** (GRAM - 1);

/** Finds literals in texts. */
export class LiteralScanner {
  readonly literals: readonly string[];
  private readonly mask: number;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly entryLiteral: Int32Array;
  private readonly entryOffset: Int32Array;
  /** Gram hash of each entry: most slot hits are collisions, rejected without a string compare. */
  private readonly entryHash: Int32Array;
  /** Short literals (2-3 characters) by their first two characters. */
  private pairs: Map<number, number[]> | undefined;
  private pairBits: Uint32Array | undefined;
  /** Single-character literals by character. */
  private singles: Map<number, number> | undefined;
  private singleBits: Uint32Array | undefined;
  /** Per-scan marks so a literal is reported once per call. */
  private readonly seen: Uint32Array;
  private scanId = 0;

  constructor(literals: readonly string[]) {
    this.literals = literals;
    this.seen = new Uint32Array(literals.length);
    const gramCount = new Map<number, number>();
    const long: number[] = [];
    literals.forEach((lit, i) => {
      if (lit.length === 1) {
        const code = lit.charCodeAt(0);
        (this.singles ??= new Map()).set(code, i);
        this.singleBits ??= new Uint32Array(2048);
        this.singleBits[code >>> 5] = (this.singleBits[code >>> 5] as number) | (1 << (code & 31));
      } else if (lit.length < GRAM) {
        const key = pairKey(lit, 0);
        const list = (this.pairs ??= new Map()).get(key);
        if (list) list.push(i);
        else this.pairs.set(key, [i]);
        // A bitmap over the second character rejects most positions without a map lookup.
        const c1 = lit.charCodeAt(1);
        this.pairBits ??= new Uint32Array(2048);
        this.pairBits[c1 >>> 5] = (this.pairBits[c1 >>> 5] as number) | (1 << (c1 & 31));
      } else if (lit.length >= GRAM) {
        long.push(i);
        for (let o = 0; o + GRAM <= lit.length; o++) {
          const h = gramHash(lit, o);
          gramCount.set(h, (gramCount.get(h) ?? 0) + 1);
        }
      }
    });
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
   * (each literal once per call) and returns the new count. Stops when `out` is full.
   */
  scan(text: string, out: Int32Array, count: number): number {
    if (++this.scanId === 0xffffffff) {
      this.scanId = 1;
      this.seen.fill(0);
    }
    const id = this.scanId;
    const seen = this.seen;
    const literals = this.literals;
    let c = count;
    const cap = out.length;
    const n = text.length;
    if (this.singles || this.pairs) {
      const singleBits = this.singleBits;
      const pairBits = this.pairBits;
      for (let i = 0; i < n; i++) {
        const code = text.charCodeAt(i);
        if (singleBits && ((singleBits[code >>> 5] as number) & (1 << (code & 31))) !== 0) {
          const lit = this.singles?.get(code);
          if (lit !== undefined && seen[lit] !== id && c < cap) {
            seen[lit] = id;
            out[c++] = lit;
          }
        }
        if (pairBits && i > 0 && ((pairBits[code >>> 5] as number) & (1 << (code & 31))) !== 0) {
          const list = this.pairs?.get(((text.charCodeAt(i - 1) << 16) | code) >>> 0);
          if (list) {
            for (const lit of list) {
              if (seen[lit] === id || c >= cap) continue;
              const s = literals[lit] as string;
              if (s.length === 2 || text.charCodeAt(i + 1) === s.charCodeAt(2)) {
                seen[lit] = id;
                out[c++] = lit;
              }
            }
          }
        }
      }
    }
    if (n < GRAM || this.next.length === 0) return c;
    const heads = this.heads;
    const mask = this.mask;
    const entryHash = this.entryHash;
    let h = 0;
    for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
    for (let i = 0; ; i++) {
      let e = heads[mix(h) & mask] as number;
      while (e >= 0) {
        if (entryHash[e] === h) {
          const lit = this.entryLiteral[e] as number;
          const start = i - (this.entryOffset[e] as number);
          if (seen[lit] !== id && start >= 0 && c < cap && text.startsWith(literals[lit] as string, start)) {
            seen[lit] = id;
            out[c++] = lit;
          }
        }
        e = this.next[e] as number;
      }
      if (i + GRAM >= n) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), BASE_POW), BASE) + text.charCodeAt(i + GRAM)) | 0;
    }
    return c;
  }
}

function pairKey(s: string, at: number): number {
  return ((s.charCodeAt(at) << 16) | s.charCodeAt(at + 1)) >>> 0;
}

function gramHash(s: string, at: number): number {
  let h = 0;
  for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + s.charCodeAt(at + i)) | 0;
  return h;
}

function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 7;
}
