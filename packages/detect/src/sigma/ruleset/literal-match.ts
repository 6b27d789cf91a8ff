/**
 * @module
 * What the two literal-scan engines share: the hash multiplier, case folding and the check of one
 * literal at one position.
 */

/** Fibonacci hashing multiplier (0x9e3779b1 as int32): the top bits of the product index tables. */
export const GOLDEN = -1640531535;

/**
 * One multi-literal search strategy. With `fold`, text characters are folded by {@link foldCode}
 * (literals are lower case). A literal is reported once per call: `seen[literal]` is set to `id`,
 * the call's stamp.
 */
export interface ScanEngine {
  scan(text: string, fold: boolean, out: Int32Array, count: number, seen: Uint32Array, id: number): number;
}

/**
 * Folds a character for matching ASCII literals against `toLowerCase()` text without making it:
 * ASCII upper case to lower case, and the only two characters whose lower case is ASCII, the
 * Kelvin sign (→ `k`) and `İ` (→ `i`; its lower case is `i` plus U+0307, so a literal ending in
 * `i` is also found where U+0307 would have followed: one more candidate, never one missed).
 * Other characters lower-case to non-ASCII and never equal an ASCII literal character.
 */
export function foldCode(code: number): number {
  if (code <= 90) return code >= 65 ? code | 32 : code;
  if (code < 0x130) return code;
  return code === 0x212a ? 107 : code === 0x130 ? 105 : code;
}

/** True when `lit` occurs in `text` at `start` (text characters folded by {@link foldCode} when `fold`). */
export function matchAt(text: string, start: number, lit: string, fold: boolean): boolean {
  if (start < 0 || start + lit.length > text.length) return false;
  if (!fold) return text.startsWith(lit, start);
  for (let j = 0; j < lit.length; j++) if (foldCode(text.charCodeAt(start + j)) !== lit.charCodeAt(j)) return false;
  return true;
}
