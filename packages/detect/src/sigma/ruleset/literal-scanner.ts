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
  /** One bit per slot of `heads`: a small table that stays in cache and rejects most positions. */
  private readonly slotBits: Uint32Array;
  /** Bits of the first characters of short literals, checked before their table. */
  private readonly pairFirstBits: Uint32Array;
  /** Gram hash of each entry: most slot hits are collisions, rejected without a string compare. */
  private readonly entryHash: Int32Array;
  /** Short literals (2-3 characters), chained by a hash of their first two characters. */
  private readonly pairMask: number;
  private readonly pairHeads: Int32Array;
  private readonly pairNext: Int32Array;
  private readonly pairKeyOf: Int32Array;
  private readonly pairLiteral: Int32Array;
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
    const short: number[] = [];
    literals.forEach((lit, i) => {
      if (lit.length === 1) {
        const code = lit.charCodeAt(0);
        (this.singles ??= new Map()).set(code, i);
        this.singleBits ??= new Uint32Array(2048);
        this.singleBits[code >>> 5] = (this.singleBits[code >>> 5] as number) | (1 << (code & 31));
      } else if (lit.length < GRAM) {
        short.push(i);
      } else if (lit.length >= GRAM) {
        long.push(i);
        for (let o = 0; o + GRAM <= lit.length; o++) {
          const h = gramHash(lit, o);
          gramCount.set(h, (gramCount.get(h) ?? 0) + 1);
        }
      }
    });
    let pairSize = 16;
    while (pairSize < short.length * 8) pairSize *= 2;
    this.pairMask = pairSize - 1;
    this.pairHeads = new Int32Array(short.length > 0 ? pairSize : 0).fill(-1);
    this.pairNext = new Int32Array(short.length);
    this.pairKeyOf = new Int32Array(short.length);
    this.pairLiteral = new Int32Array(short.length);
    this.pairFirstBits = new Uint32Array(2048);
    short.forEach((litIndex, e) => {
      const first = (literals[litIndex] as string).charCodeAt(0);
      this.pairFirstBits[first >>> 5] = (this.pairFirstBits[first >>> 5] as number) | (1 << (first & 31));
      const key = pairKey(literals[litIndex] as string, 0);
      const slot = mix(key) & this.pairMask;
      this.pairKeyOf[e] = key;
      this.pairLiteral[e] = litIndex;
      this.pairNext[e] = this.pairHeads[slot] as number;
      this.pairHeads[slot] = e;
    });
    let size = 16;
    while (size < long.length * 8) size *= 2;
    this.mask = size - 1;
    this.heads = new Int32Array(size).fill(-1);
    this.slotBits = new Uint32Array(Math.max(1, size >>> 5));
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
      this.slotBits[slot >>> 5] = (this.slotBits[slot >>> 5] as number) | (1 << (slot & 31));
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
    const singleBits = this.singleBits;
    const hasPairs = this.pairNext.length > 0;
    const hasLong = this.next.length > 0 && n >= GRAM;
    const heads = this.heads;
    const mask = this.mask;
    const entryHash = this.entryHash;
    const pairHeads = this.pairHeads;
    const pairMask = this.pairMask;
    const pairFirst = this.pairFirstBits;
    const slotBits = this.slotBits;
    // One pass: single characters, 2-character keys and the rolling 4-gram hash of the gram
    // ending at each position.
    let h = 0;
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (singleBits !== undefined && ((singleBits[code >>> 5] as number) & (1 << (code & 31))) !== 0) {
        const lit = this.singles?.get(code);
        if (lit !== undefined && seen[lit] !== id && c < cap) {
          seen[lit] = id;
          out[c++] = lit;
        }
      }
      if (hasPairs && prev >= 0 && ((pairFirst[prev >>> 5] as number) & (1 << (prev & 31))) !== 0) {
        const key = (prev << 16) | code;
        for (let e = pairHeads[mix(key) & pairMask] as number; e >= 0; e = this.pairNext[e] as number) {
          if (this.pairKeyOf[e] !== key) continue;
          const lit = this.pairLiteral[e] as number;
          const s = literals[lit] as string;
          if (seen[lit] !== id && c < cap && (s.length === 2 || text.charCodeAt(i + 1) === s.charCodeAt(2))) {
            seen[lit] = id;
            out[c++] = lit;
          }
        }
      }
      prev = code;
      if (!hasLong) continue;
      h =
        i < GRAM
          ? (Math.imul(h, BASE) + code) | 0
          : (Math.imul(h - Math.imul(text.charCodeAt(i - GRAM), BASE_POW), BASE) + code) | 0;
      if (i < GRAM - 1) continue;
      const slot = mix(h) & mask;
      if (((slotBits[slot >>> 5] as number) & (1 << (slot & 31))) === 0) continue;
      const at = i - GRAM + 1;
      for (let e = heads[slot] as number; e >= 0; e = this.next[e] as number) {
        if (entryHash[e] !== h) continue;
        const lit = this.entryLiteral[e] as number;
        const start = at - (this.entryOffset[e] as number);
        if (seen[lit] !== id && start >= 0 && c < cap && text.startsWith(literals[lit] as string, start)) {
          seen[lit] = id;
          out[c++] = lit;
        }
      }
    }
    return c;
  }
}

function pairKey(s: string, at: number): number {
  return (s.charCodeAt(at) << 16) | s.charCodeAt(at + 1);
}

function gramHash(s: string, at: number): number {
  let h = 0;
  for (let i = 0; i < GRAM; i++) h = (Math.imul(h, BASE) + s.charCodeAt(at + i)) | 0;
  return h;
}

function mix(h: number): number {
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 7;
}
