/**
 * @module
 * Feature hashing for the tabular learners: named binary features into a fixed number of
 * dimensions (FNV-1a), L2-normalised, as a sparse vector.
 */
import type { SparseVector } from '../attack/vectorizer.js';

/** Dimensions of hashed feature vectors. */
export const HASH_DIMS = 1 << 18;

/** FNV-1a of a string, modulo `dims`. */
export function hashIndex(s: string, dims = HASH_DIMS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % dims;
}

/** The sparse vector of a set of named features (each weight 1, then L2-normalised). */
export function hashFeatures(names: readonly string[], dims = HASH_DIMS): SparseVector {
  const counts = new Map<number, number>();
  for (const n of new Set(names)) {
    const i = hashIndex(n, dims);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const entries = [...counts].sort((a, b) => a[0] - b[0]);
  const norm = Math.sqrt(entries.reduce((s, [, v]) => s + v * v, 0)) || 1;
  return { idx: Int32Array.from(entries.map((e) => e[0])), val: Float32Array.from(entries.map((e) => e[1] / norm)) };
}

/** Sparse weights as stored: only the dimensions training touched. */
export interface SparseWeights {
  readonly classes: number;
  /** Touched dimensions, ascending. */
  readonly dims: readonly number[];
  /** `dims.length × classes` weights, dimension-major. */
  readonly w: readonly number[];
  readonly b: readonly number[];
}
