/**
 * @module
 * Isolation forest (Liu, Ting and Zhou 2008): random trees on small subsamples isolate outliers
 * in few splits. The score is 2^(−E[h(x)] / c(ψ)), in (0, 1], higher = more anomalous. Splits
 * pick a feature and a threshold uniformly between its min and max in the node; features that
 * are constant in a node are skipped. Deterministic for a seed. The trees are flat typed arrays;
 * path attributions credit each split feature on the isolating path with the bits of isolation it
 * gave (log2 of the node's sample size over the child's).
 */
import { rng } from '../internal/rng.js';

/** Settings (defaults from the paper). */
export interface IforestParams {
  readonly trees: number;
  readonly sampleSize: number;
  readonly seed: number;
}

/** Defaults: 100 trees of 256 rows. */
export const IFOREST_DEFAULTS: IforestParams = { trees: 100, sampleSize: 256, seed: 1 };

/** One isolation tree. `left[n] < 0` marks a leaf holding `size[n]` rows. */
export interface IsoTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Int32Array;
}

/** A trained forest. */
export interface IsolationForest {
  readonly trees: readonly IsoTree[];
  readonly sampleSize: number;
  readonly cols: number;
}

/** Average path length of an unsuccessful BST search over n points: c(n). */
export function avgPath(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

/**
 * Trains a forest on the rows of a row-major matrix (NaN features are read as 0).
 * @example
 * const f = trainIforest(x, rows, cols); const s = iforestScore(f, x, 0);
 */
export function trainIforest(
  x: Float64Array,
  rows: number,
  cols: number,
  params: Partial<IforestParams> = {},
): IsolationForest {
  const p = { ...IFOREST_DEFAULTS, ...params };
  const r = rng(p.seed);
  const psi = Math.min(p.sampleSize, rows);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const trees: IsoTree[] = [];
  const sample = new Int32Array(psi);
  const val = (i: number, f: number): number => {
    const v = x[i * cols + f] as number;
    return Number.isNaN(v) ? 0 : v;
  };
  for (let t = 0; t < p.trees; t++) {
    // Sampling without replacement (partial Fisher–Yates over an index map).
    const swapped = new Map<number, number>();
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(r() * (rows - i));
      const a = swapped.get(i) ?? i;
      const b = swapped.get(j) ?? j;
      swapped.set(j, a);
      sample[i] = b;
    }
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const size: number[] = [];
    const build = (lo: number, hi: number, depth: number): number => {
      const node = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      size.push(hi - lo);
      if (hi - lo <= 1 || depth >= maxDepth) return node;
      // Features that vary in this node, tried in random order.
      const order = Array.from({ length: cols }, (_, i) => i);
      for (let k = cols - 1; k > 0; k--) {
        const j = Math.floor(r() * (k + 1));
        [order[k], order[j]] = [order[j] as number, order[k] as number];
      }
      for (const f of order) {
        let mn = Infinity;
        let mx = -Infinity;
        for (let s = lo; s < hi; s++) {
          const v = val(sample[s] as number, f);
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (!(mx > mn) || !Number.isFinite(mx - mn)) continue;
        const th = mn + r() * (mx - mn);
        let m = lo;
        for (let s = lo; s < hi; s++) {
          if (val(sample[s] as number, f) < th) {
            const tmp = sample[m] as number;
            sample[m] = sample[s] as number;
            sample[s] = tmp;
            m++;
          }
        }
        if (m === lo || m === hi) continue;
        feature[node] = f;
        threshold[node] = th;
        const l = build(lo, m, depth + 1);
        left[node] = l;
        right[node] = build(m, hi, depth + 1);
        return node;
      }
      return node;
    };
    build(0, psi, 0);
    trees.push({
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      size: Int32Array.from(size),
    });
  }
  return { trees, sampleSize: psi, cols };
}

/** Path length of a row in one tree, with c(size) added at the leaf. */
function pathLength(t: IsoTree, x: ArrayLike<number>, offset: number, credit?: Float64Array): number {
  let node = 0;
  let depth = 0;
  while ((t.left[node] as number) >= 0) {
    const f = t.feature[node] as number;
    const raw = x[offset + f] as number;
    const v = Number.isNaN(raw) ? 0 : raw;
    const next = v < (t.threshold[node] as number) ? (t.left[node] as number) : (t.right[node] as number);
    // Bits of isolation: a split that leaves the row with few of the node's sample rows did much
    // to isolate it; one that keeps it with most of them did little.
    if (credit)
      credit[f] = (credit[f] as number) + Math.log2((t.size[node] as number) / Math.max(1, t.size[next] as number));
    node = next;
    depth++;
  }
  return depth + avgPath(t.size[node] as number);
}

/** Anomaly score of the row at `offset` in (0, 1]. */
export function iforestScore(f: IsolationForest, x: ArrayLike<number>, offset = 0): number {
  let s = 0;
  for (const t of f.trees) s += pathLength(t, x, offset);
  const mean = s / Math.max(1, f.trees.length);
  return Math.pow(2, -mean / Math.max(1e-9, avgPath(f.sampleSize)));
}

/** Per-feature credit for isolating a row (bits of isolation of its splits on the path), averaged over trees. */
export function iforestAttributions(f: IsolationForest, x: ArrayLike<number>, offset = 0): Float64Array {
  const credit = new Float64Array(f.cols);
  for (const t of f.trees) pathLength(t, x, offset, credit);
  for (let i = 0; i < credit.length; i++) credit[i] = (credit[i] as number) / Math.max(1, f.trees.length);
  return credit;
}

/** Serialisable form. */
export interface IsolationForestJson {
  readonly sampleSize: number;
  readonly cols: number;
  readonly trees: {
    feature: number[];
    threshold: number[];
    left: number[];
    right: number[];
    size: number[];
  }[];
}

/** To JSON. */
export function iforestToJson(f: IsolationForest): IsolationForestJson {
  return {
    sampleSize: f.sampleSize,
    cols: f.cols,
    trees: f.trees.map((t) => ({
      feature: [...t.feature],
      threshold: [...t.threshold],
      left: [...t.left],
      right: [...t.right],
      size: [...t.size],
    })),
  };
}

/** From JSON. */
export function iforestFromJson(j: IsolationForestJson): IsolationForest {
  return {
    sampleSize: j.sampleSize,
    cols: j.cols,
    trees: j.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      size: Int32Array.from(t.size),
    })),
  };
}
