/**
 * @module
 * Exact TreeSHAP (Lundberg, Erion and Lee, "Consistent individualized feature attribution for
 * tree ensembles", 2018, Algorithm 2): the Shapley values of a row's margin under the tree's own
 * conditional expectation, where a feature "absent" from a coalition follows both children
 * weighted by their training cover. Unlike path attributions, the credit a feature gets does
 * not depend on where along the path it was split, and a feature the row's path never tests
 * can still get credit. Per tree it costs O(leaves × depth²); the node calls it only for rows it
 * explains (alerts, `ml explain`), never on the scoring path.
 *
 * The values plus the expected margin (`bias`) sum to the margin exactly (up to rounding), and
 * they equal XGBoost's `pred_contribs` and LightGBM's `pred_contrib` on the same trees (the
 * import tests check both).
 */
import { DEFAULT_LEFT, STRICT_LESS, type FlatTree, type TreeEnsemble } from './ensemble.js';

/** One element of the path of unique features (the paper's `m`). */
interface PathBuffers {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function buffers(size: number): PathBuffers {
  return {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
}

/** Grows the path at `start` (length `depth` before) by one feature with its fractions. */
function extend(p: PathBuffers, start: number, depth: number, zero: number, one: number, feature: number): void {
  const s = start;
  p.feature[s + depth] = feature;
  p.zero[s + depth] = zero;
  p.one[s + depth] = one;
  p.weight[s + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    p.weight[s + i + 1] = (p.weight[s + i + 1] as number) + (one * (p.weight[s + i] as number) * (i + 1)) / (depth + 1);
    p.weight[s + i] = (zero * (p.weight[s + i] as number) * (depth - i)) / (depth + 1);
  }
}

/** Removes element `index` from the path (undoes its extension). */
function unwind(p: PathBuffers, start: number, depth: number, index: number): void {
  const s = start;
  const one = p.one[s + index] as number;
  const zero = p.zero[s + index] as number;
  let next = p.weight[s + depth] as number;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.weight[s + i] as number;
      p.weight[s + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - ((p.weight[s + i] as number) * zero * (depth - i)) / (depth + 1);
    } else {
      p.weight[s + i] = ((p.weight[s + i] as number) * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[s + i] = p.feature[s + i + 1] as number;
    p.zero[s + i] = p.zero[s + i + 1] as number;
    p.one[s + i] = p.one[s + i + 1] as number;
  }
}

/** The total weight of the path with element `index` removed, without changing the path. */
function unwoundSum(p: PathBuffers, start: number, depth: number, index: number): number {
  const s = start;
  const one = p.one[s + index] as number;
  const zero = p.zero[s + index] as number;
  let next = p.weight[s + depth] as number;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = (p.weight[s + i] as number) - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) {
      total += (p.weight[s + i] as number) / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function treeDepth(t: FlatTree): number {
  const visit = (child: number): number =>
    child < 0 ? 0 : 1 + Math.max(visit(t.left[child] as number), visit(t.right[child] as number));
  return t.left.length === 0 ? 0 : visit(0);
}

/** The child the row takes at internal node `n`: the evaluator's own comparison. */
function hotChild(t: FlatTree, n: number, v: number): number {
  const fl = t.flags[n] as number;
  const th = t.threshold[n] as number;
  const goLeft = Number.isNaN(v) ? (fl & DEFAULT_LEFT) !== 0 : (fl & STRICT_LESS) !== 0 ? v < th : v <= th;
  return goLeft ? (t.left[n] as number) : (t.right[n] as number);
}

const coverOf = (t: FlatTree, child: number): number =>
  child < 0 ? (t.leafCover[~child] as number) : (t.nodeCover[child] as number);

/** Adds one tree's SHAP values for the row at `offset` to `phi`. */
function treeShapOne(t: FlatTree, x: ArrayLike<number>, offset: number, phi: Float64Array): void {
  if (t.left.length === 0) return;
  const maxd = treeDepth(t) + 2;
  const p = buffers((maxd * (maxd + 1)) / 2 + maxd);
  const recurse = (
    child: number,
    start: number,
    depthIn: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void => {
    // Each level works on its own copy of the parent's path, placed right after it.
    const s = start + depthIn + 1;
    for (let i = 0; i <= depthIn; i++) {
      p.feature[s + i] = p.feature[start + i] as number;
      p.zero[s + i] = p.zero[start + i] as number;
      p.one[s + i] = p.one[start + i] as number;
      p.weight[s + i] = p.weight[start + i] as number;
    }
    let depth = depthIn;
    extend(p, s, depth, parentZero, parentOne, parentFeature);
    if (child < 0) {
      const value = t.leafValue[~child] as number;
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(p, s, depth, i);
        const f = p.feature[s + i] as number;
        phi[f] = (phi[f] as number) + w * ((p.one[s + i] as number) - (p.zero[s + i] as number)) * value;
      }
      return;
    }
    const f = t.feature[child] as number;
    const hot = hotChild(t, child, x[offset + f] as number);
    const cold = hot === t.left[child] ? (t.right[child] as number) : (t.left[child] as number);
    const w = t.nodeCover[child] as number;
    const hotZero = w > 0 ? coverOf(t, hot) / w : 0.5;
    const coldZero = w > 0 ? coverOf(t, cold) / w : 0.5;
    let inZero = 1;
    let inOne = 1;
    // A feature already on the path is taken off and put back with this split's fractions.
    let k = 1;
    for (; k <= depth; k++) if (p.feature[s + k] === f) break;
    if (k <= depth) {
      inZero = p.zero[s + k] as number;
      inOne = p.one[s + k] as number;
      unwind(p, s, depth, k);
      depth -= 1;
    }
    recurse(hot, s, depth + 1, hotZero * inZero, inOne, f);
    recurse(cold, s, depth + 1, coldZero * inZero, 0, f);
  };
  // The root call copies an empty path and extends it with a dummy element (feature -1), as the
  // paper's algorithm does; leaves skip that element.
  recurse(0, 0, 0, 1, 1, -1);
}

/** The cover-weighted mean output of a tree: its part of the expected margin. */
export function treeExpectation(t: FlatTree): number {
  if (t.left.length === 0) return t.leafValue[0] as number;
  return t.nodeValue[0] as number;
}

/**
 * TreeSHAP values of output group `group` for the row at `offset`: `out[f]` is feature f's
 * part of the margin; the returned `bias` is the expected margin (base plus each tree's mean),
 * so `bias + Σ out` is the row's margin.
 * @example
 * const phi = new Float64Array(features); const { bias } = treeShap(e, row, 0, phi);
 */
export function treeShap(
  e: TreeEnsemble,
  x: ArrayLike<number>,
  group: number,
  out: Float64Array,
  offset = 0,
): { bias: number } {
  out.fill(0);
  let bias = e.base[group] as number;
  for (let i = 0; i < e.trees.length; i++) {
    if (e.treeGroup[i] !== group) continue;
    const t = e.trees[i] as FlatTree;
    bias += treeExpectation(t);
    treeShapOne(t, x, offset, out);
  }
  return { bias };
}
