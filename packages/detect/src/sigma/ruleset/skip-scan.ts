/**
 * @module
 * The scan engine for literal sets whose shortest literal has three or more characters: a
 * Wu-Manber search. Each literal is anchored on one of its windows of `m` characters (`m` = the
 * shortest literal's length), the one fewest other literals share, so a family such as the
 * hundred `invoke-*` cmdlets does not stop the scan at every `invoke`. A window of `m` characters
 * slides over the text; the `B` characters at its end (a pair, or a triple for large sets, whose
 * pairs would cover most pairs of any text) look up how far it may move without passing over an
 * anchor (up to `m - B + 1` characters), and only a block that ends an anchor stops it for a
 * check: a hash of the whole window, then the literals anchored there. Most of the text is never
 * looked at: on SigmaHQ's Windows rules `m` is 4-9, and the scan reads one block per 2-8
 * characters of text.
 */
import { foldCode, GOLDEN, matchAt, type ScanEngine } from './literal-match.js';

/** Shortest literal this engine takes: a window of two characters could never move. */
export const SKIP_MIN_LITERAL = 3;
/** Longer windows add little: most shifts are already the maximum. */
const MAX_WINDOW = 32;
/** Largest table (slots); beyond it, more slots only cost memory. */
const MAX_LOG = 14;
/**
 * Above this many pairs in the anchors, blocks are triples (if windows are 5+ characters long):
 * they would cover a large share of the few thousand pairs event text is made of.
 */
const MAX_PAIRS = 256;

/**
 * A character as block keys see it: `| 32` folds ASCII upper case without a branch (it also
 * merges a few punctuation pairs such as `\\` and `|`, which only costs a check now and then);
 * non-ASCII characters, rare, fold exactly first and keep 7 bits. A text character and the
 * literal character it lower-cases to always get the same value.
 */
function keyChar(c: number): number {
  return (c > 127 ? foldCode(c) & 127 : c) | 32;
}

/** The key of the block of `b` characters of `s` ending at `end`. */
function blockKey(s: string, end: number, b: number): number {
  let k = 0;
  for (let i = end - b + 1; i <= end; i++) k = (k << 7) | keyChar(s.charCodeAt(i));
  return k;
}

/** Hash of the `m` characters of `s` from `at` (folded when `fold`), to reject anchors cheaply. */
function windowHash(s: string, at: number, m: number, fold: boolean): number {
  let h = 0;
  for (let i = at; i < at + m; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ (fold ? foldCode(c) : c), 0x01000193);
  }
  return h;
}

/** Skips over text that cannot hold a literal. */
export class SkipScan implements ScanEngine {
  /** Window length: the shortest literal's length (at most {@link MAX_WINDOW}). */
  readonly m: number;
  /** Block length: 2, or 3 for sets whose anchors hold many pairs. */
  readonly b: number;
  private readonly hashShift: number;
  /** Slot → how far the window may move when its last pair hashes there (0: check anchors). */
  private readonly shift: Uint8Array;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  /** Per literal: its anchor's last pair, the anchor's hash and its offset in the literal. */
  private readonly key: Int32Array;
  private readonly hash: Int32Array;
  private readonly offset: Int32Array;

  constructor(private readonly literals: readonly string[]) {
    let m = MAX_WINDOW;
    for (const lit of literals) m = Math.min(m, lit.length);
    if (m < SKIP_MIN_LITERAL) throw new Error(`skip scan needs literals of ${SKIP_MIN_LITERAL}+ characters`);
    this.m = m;
    const b = m >= 5 && literals.length * (m - 1) > MAX_PAIRS ? 3 : 2;
    this.b = b;
    // About 16 slots per block of the anchors: a common block of text (`000`) that collided with
    // an anchor's last block would stop the window wherever it occurs.
    let log = 10;
    while (1 << log < literals.length * (m - b + 1) * 16 && log < MAX_LOG) log++;
    this.hashShift = 32 - log;
    this.shift = new Uint8Array(1 << log).fill(m - b + 1);
    this.heads = new Int32Array(1 << log).fill(-1);
    this.next = new Int32Array(literals.length);
    this.key = new Int32Array(literals.length);
    this.hash = new Int32Array(literals.length);
    this.offset = new Int32Array(literals.length);
    // How many literals hold each window: the anchor is a literal's least shared one.
    const shared = new Map<string, number>();
    for (const lit of literals) for (const w of new Set(windows(lit, m))) shared.set(w, (shared.get(w) ?? 0) + 1);
    literals.forEach((lit, i) => {
      let best = 0;
      let bestCount = Number.POSITIVE_INFINITY;
      windows(lit, m).forEach((w, o) => {
        const c = shared.get(w) as number;
        if (c < bestCount) {
          bestCount = c;
          best = o;
        }
      });
      // A block ending j characters into the anchor allows a move of m - 1 - j at most.
      for (let j = b - 1; j < m; j++) {
        const slot = this.slot(blockKey(lit, best + j, b));
        this.shift[slot] = Math.min(this.shift[slot] as number, m - 1 - j);
      }
      const k = blockKey(lit, best + m - 1, b);
      const slot = this.slot(k);
      this.key[i] = k;
      this.hash[i] = windowHash(lit, best, m, false);
      this.offset[i] = best;
      this.next[i] = this.heads[slot] as number;
      this.heads[slot] = i;
    });
  }

  private slot(key: number): number {
    return Math.imul(key, GOLDEN) >>> this.hashShift;
  }

  scan(text: string, fold: boolean, out: Int32Array, count: number, seen: Uint32Array, id: number): number {
    const m = this.m;
    const n = text.length;
    const shift = this.shift;
    const hashShift = this.hashShift;
    const triple = this.b === 3;
    let c = count;
    // `end` is the window's last position; the window is text[end - m + 1 .. end].
    for (let end = m - 1; end < n;) {
      let x = text.charCodeAt(end - 1);
      let y = text.charCodeAt(end);
      // The same keys whether or not the text is folded (see keyChar): no fold in the common path.
      if ((x | y) > 127) {
        x = foldCode(x) & 127;
        y = foldCode(y) & 127;
      }
      let k = ((x | 32) << 7) | (y | 32);
      if (triple) k |= keyChar(text.charCodeAt(end - 2)) << 14;
      const slot = Math.imul(k, GOLDEN) >>> hashShift;
      const s = shift[slot] as number;
      if (s !== 0) {
        end += s;
        continue;
      }
      c = this.verify(slot, k, text, end - m + 1, fold, out, c, seen, id);
      end++;
    }
    return c;
  }

  /** Checks the literals whose anchor ends with the block at `slot` against the window at `start`. */
  private verify(
    slot: number,
    k: number,
    text: string,
    start: number,
    fold: boolean,
    out: Int32Array,
    count: number,
    seen: Uint32Array,
    id: number,
  ): number {
    let c = count;
    let h = 0;
    let hashed = false;
    for (let e = this.heads[slot] as number; e >= 0; e = this.next[e] as number) {
      if (this.key[e] !== k || seen[e] === id || c >= out.length) continue;
      if (!hashed) {
        h = windowHash(text, start, this.m, fold);
        hashed = true;
      }
      if (this.hash[e] !== h) continue;
      if (matchAt(text, start - (this.offset[e] as number), this.literals[e] as string, fold)) {
        seen[e] = id;
        out[c++] = e;
      }
    }
    return c;
  }
}

/** The windows of `m` characters of `lit`, by offset. */
function windows(lit: string, m: number): string[] {
  const out: string[] = [];
  for (let o = 0; o + m <= lit.length; o++) out.push(lit.slice(o, o + m));
  return out;
}
