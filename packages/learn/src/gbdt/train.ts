/**
 * @module
 * Histogram gradient-boosted trees: binary (logistic loss) and multiclass (softmax), leaf-wise
 * growth, L2 regularisation, feature subsampling per tree, per-row weights, and early stopping on
 * a validation set. Deterministic for a given seed. The result is a `TreeEnsemble` on raw values
 * (thresholds are bin edges), so the same evaluator scores it as an imported model.
 */
import { rng, shuffle } from '../internal/rng.js';
import type { FlatTree, TreeEnsemble } from '../trees/ensemble.js';
import { DEFAULT_LEFT, softmaxInPlace } from '../trees/ensemble.js';
import { applyBins, fitBins, type FeatureBins } from './binning.js';
import { binnedLeaf, growTree, GrowScratch, type BinnedData, type GrownTree } from './grow.js';

/** Training settings (defaults in `GBDT_DEFAULTS`). */
export interface GbdtParams {
  readonly rounds: number;
  readonly learningRate: number;
  readonly maxLeaves: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly minHessian: number;
  readonly lambda: number;
  readonly minGain: number;
  /** Fraction of features each tree may use. */
  readonly featureFraction: number;
  /** Rounds without validation improvement before stopping (0: never stop early). */
  readonly earlyStopping: number;
  readonly seed: number;
}

/** Defaults close to LightGBM's. */
export const GBDT_DEFAULTS: GbdtParams = {
  rounds: 200,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 0,
  minLeaf: 5,
  minHessian: 1e-3,
  lambda: 1,
  minGain: 0,
  featureFraction: 1,
  earlyStopping: 20,
  seed: 1,
};

/** A labelled matrix: row-major `x` (rows × cols), class index per row, optional weights. */
export interface LabelledMatrix {
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly y: Int32Array;
  readonly weights?: Float64Array;
}

/** What `trainGbdt` returns. */
export interface GbdtResult {
  readonly ensemble: TreeEnsemble;
  /** Boosting rounds kept (the best on validation when early stopping ran). */
  readonly rounds: number;
  /** Validation log loss per round (empty without validation data). */
  readonly validLoss: readonly number[];
  /** Total split gain per feature. */
  readonly gain: Float64Array;
  readonly bins: FeatureBins;
}

/**
 * Trains a boosted tree ensemble.
 * @param classes 2 for binary (one margin, sigmoid), more for softmax
 * @example
 * const r = trainGbdt(train, 2, { rounds: 100 }, valid);
 * const p = applyLink(r.ensemble, margins(r.ensemble, row, out))[0];
 */
export function trainGbdt(
  train: LabelledMatrix,
  classes: number,
  params: Partial<GbdtParams> = {},
  valid?: LabelledMatrix,
  onRound?: (round: number, validLoss: number | undefined) => void,
): GbdtResult {
  const p = { ...GBDT_DEFAULTS, ...params };
  const { rows: n, cols } = train;
  const K = classes <= 2 ? 1 : classes;
  const bins = fitBins(train.x, n, cols);
  const data: BinnedData = {
    binned: applyBins(train.x, n, cols, bins),
    rows: n,
    cols,
    binCount: Int32Array.from(bins.edges.map((e) => e.length)),
    edges: bins.edges,
  };
  const w = train.weights ?? new Float64Array(n).fill(1);
  const base = initialMargins(train.y, w, classes);
  const F = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) F[i * K + k] = base[k] as number;
  const vb = valid ? applyBins(valid.x, valid.rows, cols, bins) : undefined;
  const VF = valid ? new Float64Array(valid.rows * K) : undefined;
  if (valid && VF) for (let i = 0; i < valid.rows; i++) for (let k = 0; k < K; k++) VF[i * K + k] = base[k] as number;

  const r = rng(p.seed);
  const scratch = new GrowScratch(n, cols);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const prob = new Float64Array(K);
  const allFeatures = Int32Array.from({ length: cols }, (_, i) => i);
  const useCount = Math.max(1, Math.round(cols * p.featureFraction));
  const grown: { tree: GrownTree; group: number }[] = [];
  const validLoss: number[] = [];
  const gain = new Float64Array(cols);
  let bestLoss = Infinity;
  let bestRound = 0;
  for (let round = 0; round < p.rounds; round++) {
    for (let k = 0; k < K; k++) {
      gradients(train.y, w, F, K, k, grad, hess, prob);
      for (let i = 0; i < n; i++) scratch.idx[i] = i;
      let features = allFeatures;
      if (useCount < cols) {
        features = shuffle(Int32Array.from(allFeatures), r).subarray(0, useCount).sort();
      }
      const tree = growTree(data, grad, hess, n, features, p, scratch);
      for (let f = 0; f < cols; f++) gain[f] = (gain[f] as number) + (tree.gain[f] as number);
      grown.push({ tree, group: k });
      for (let i = 0; i < n; i++) {
        const at = i * K + k;
        F[at] = (F[at] as number) + (tree.leafValue[binnedLeaf(tree, data.binned, n, i)] as number);
      }
      if (valid && vb && VF) {
        for (let i = 0; i < valid.rows; i++) {
          const at = i * K + k;
          VF[at] = (VF[at] as number) + (tree.leafValue[binnedLeaf(tree, vb, valid.rows, i)] as number);
        }
      }
    }
    let loss: number | undefined;
    if (valid && VF) {
      loss = logLoss(valid.y, VF, K, prob);
      validLoss.push(loss);
      // Without early stopping every round is kept; the losses are still reported.
      if (p.earlyStopping <= 0) bestRound = round + 1;
      else if (loss < bestLoss - 1e-9) {
        bestLoss = loss;
        bestRound = round + 1;
      } else if (round + 1 - bestRound >= p.earlyStopping) {
        onRound?.(round, loss);
        break;
      }
    } else bestRound = round + 1;
    onRound?.(round, loss);
  }
  const kept = grown.slice(0, bestRound * K);
  const trees = kept.map((g) => toFlat(g.tree));
  return {
    ensemble: {
      groups: K,
      base,
      trees,
      treeGroup: Int32Array.from(kept.map((g) => g.group)),
      link: K === 1 ? 'sigmoid' : 'softmax',
    },
    rounds: bestRound,
    validLoss,
    gain,
    bins,
  };
}

/** Log-odds of the weighted positive rate (binary) or log priors (multiclass). */
function initialMargins(y: Int32Array, w: Float64Array, classes: number): Float64Array {
  const K = Math.max(2, classes);
  const s = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    s[y[i] as number] = (s[y[i] as number] as number) + (w[i] as number);
    total += w[i] as number;
  }
  const eps = 1e-6;
  if (classes <= 2) {
    const pos = Math.min(1 - eps, Math.max(eps, (s[1] as number) / total));
    return Float64Array.of(Math.log(pos / (1 - pos)));
  }
  return Float64Array.from(s, (v) => Math.log(Math.max(eps, v / total)));
}

/** Gradients and hessians of group `k`. */
function gradients(
  y: Int32Array,
  w: Float64Array,
  F: Float64Array,
  K: number,
  k: number,
  grad: Float64Array,
  hess: Float64Array,
  prob: Float64Array,
): void {
  const n = y.length;
  if (K === 1) {
    for (let i = 0; i < n; i++) {
      const pr = 1 / (1 + Math.exp(-(F[i] as number)));
      const wi = w[i] as number;
      grad[i] = (pr - (y[i] === 1 ? 1 : 0)) * wi;
      hess[i] = Math.max(pr * (1 - pr), 1e-16) * wi;
    }
    return;
  }
  const factor = K / (K - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) prob[j] = F[i * K + j] as number;
    softmaxInPlace(prob);
    const pr = prob[k] as number;
    const wi = w[i] as number;
    grad[i] = (pr - (y[i] === k ? 1 : 0)) * wi;
    hess[i] = Math.max(factor * pr * (1 - pr), 1e-16) * wi;
  }
}

/** Mean log loss of margins. */
export function logLoss(y: Int32Array, F: Float64Array, K: number, prob = new Float64Array(K)): number {
  let s = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let pr: number;
    if (K === 1) {
      const q = 1 / (1 + Math.exp(-(F[i] as number)));
      pr = y[i] === 1 ? q : 1 - q;
    } else {
      for (let j = 0; j < K; j++) prob[j] = F[i * K + j] as number;
      softmaxInPlace(prob);
      pr = prob[y[i] as number] as number;
    }
    s -= Math.log(Math.max(pr, 1e-15));
  }
  return n > 0 ? s / n : 0;
}

/**
 * A grown tree on raw values. Node values are the would-be leaf weights, so path attributions
 * telescope to the leaf value.
 */
function toFlat(t: GrownTree): FlatTree {
  const m = t.splitFeature.length;
  const flags = new Uint8Array(m);
  for (let i = 0; i < m; i++) flags[i] = t.missingLeft[i] ? DEFAULT_LEFT : 0;
  return {
    feature: Int32Array.from(t.splitFeature),
    threshold: Float64Array.from(t.threshold),
    flags,
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    nodeValue: Float64Array.from(t.nodeValue),
    nodeCover: Float64Array.from(t.nodeCover),
    leafValue: Float64Array.from(t.leafValue),
    leafCover: Float64Array.from(t.leafCover),
  };
}
