/**
 * @module
 * Multi-literal search for the cross-rule prefilter: finds which of many (thousands of)
 * lower-case literals occur in a text in one pass. Sets whose literals all have three or more
 * characters use a skipping search ({@link SkipScan}); sets with shorter ones look at every
 * position ({@link LinearScan}).
 *
 * With `fold`, ASCII literals are found in `text.toLowerCase()` without making that copy: the
 * scan folds characters as it reads them (`foldCode`). Sets with non-ASCII literals (emoji,
 * homoglyphs) lower-case the text first.
 */
import { LinearScan } from './linear-scan.js';
import type { ScanEngine } from './literal-match.js';
import { SKIP_MIN_LITERAL, SkipScan } from './skip-scan.js';

/** Finds literals in texts. */
export class LiteralScanner {
  readonly literals: readonly string[];
  /** True when every literal is ASCII: folded scans of the original text need no copy. */
  readonly asciiOnly: boolean;
  /** Length of the shortest literal: shorter texts hold none. */
  readonly minLength: number;
  /** False when no literal can occur in a number's text (`-1.5e+21`, `Infinity`, `NaN`). */
  readonly inNumbers: boolean;
  /** The engine's name, for tests and reports. */
  readonly engine: 'skip' | 'linear';
  private readonly impl: ScanEngine;
  /** Per-scan marks so a literal is reported once per call. */
  private readonly seen: Uint32Array;
  private scanId = 0;

  /** `literals` must be lower-case (as `toLowerCase` gives them) and not empty. */
  constructor(literals: readonly string[]) {
    this.literals = literals;
    this.seen = new Uint32Array(literals.length);
    this.asciiOnly = literals.every((l) => !/[^\x00-\x7f]/.test(l));
    this.minLength = literals.reduce((m, l) => Math.min(m, l.length), Number.POSITIVE_INFINITY);
    this.inNumbers = literals.some((l) => /^[0-9.e+\-infinityan]+$/.test(l));
    const skip = literals.length > 0 && this.minLength >= SKIP_MIN_LITERAL;
    this.engine = skip ? 'skip' : 'linear';
    this.impl = skip ? new SkipScan(literals) : new LinearScan(literals);
  }

  /**
   * Writes the index of each literal occurring in `text` into `out` from position `count` on
   * (each literal once per call) and returns the new count. Stops when `out` is full. With
   * `fold`, the literals are looked for in `text.toLowerCase()`; a text holding `İ` may then
   * report, besides those, a literal ending in `i` at that `İ` (see `foldCode`): prefilter
   * candidates may be too many, never too few.
   */
  scan(text: string, out: Int32Array, count: number, fold = false): number {
    if (text.length < this.minLength) return count;
    if (++this.scanId === 0xffffffff) {
      this.scanId = 1;
      this.seen.fill(0);
    }
    if (fold && !this.asciiOnly) return this.impl.scan(text.toLowerCase(), false, out, count, this.seen, this.scanId);
    return this.impl.scan(text, fold, out, count, this.seen, this.scanId);
  }
}
