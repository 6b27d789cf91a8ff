/**
 * @module
 * The tree evaluator every tree model runs on: our own gradient-boosted trees and the imported
 * XGBoost and LightGBM models. Trees are flat typed arrays; each node has a feature, a threshold,
 * a comparison (`<=` as LightGBM and we split, `<` as XGBoost does), a default direction for
 * missing values, children, and its value and cover, which the path attributions use.
 */

/** One tree in flat arrays. Children < 0 are leaves: leaf `~child`. Node 0 is the root. */
export interface FlatTree {
  /** Split feature per internal node. */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Bit 0: missing goes left. Bit 1: strict `<` instead of `<=`. */
  readonly flags: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** What the tree would output if it stopped at this internal node (for attributions). */
  readonly nodeValue: Float64Array;
  /** Training weight that reached each internal node. */
  readonly nodeCover: Float64Array;
  readonly leafValue: Float64Array;
  readonly leafCover: Float64Array;
}

/** Node flag: a missing value goes left. */
export const DEFAULT_LEFT = 1;
/** Node flag: compare with `<` (XGBoost) instead of `<=`. */
export const STRICT_LESS = 2;

/** How raw margins become scores. */
export type Link = 'sigmoid' | 'softmax' | 'identity';

/** A tree ensemble: trees per output group (class), summed onto a base margin. */
export interface TreeEnsemble {
  /** Output groups: 1 for binary and regression, the class count for multiclass. */
  readonly groups: number;
  readonly base: Float64Array;
  readonly trees: readonly FlatTree[];
  /** Output group of each tree. */
  readonly treeGroup: Int32Array;
  readonly link: Link;
  /** Multiplies the margin before a sigmoid (LightGBM's `sigmoid:` parameter). */
  readonly sigmoidScale?: number;
}

/** The leaf index a row reaches in a tree. */
export function leafOf(t: FlatTree, x: ArrayLike<number>, offset = 0): number {
  if (t.left.length === 0) return 0;
  let node = 0;
  for (;;) {
    const v = x[offset + (t.feature[node] as number)] as number;
    const fl = t.flags[node] as number;
    let goLeft: boolean;
    if (Number.isNaN(v)) goLeft = (fl & DEFAULT_LEFT) !== 0;
    else goLeft = (fl & STRICT_LESS) !== 0 ? v < (t.threshold[node] as number) : v <= (t.threshold[node] as number);
    const next = goLeft ? (t.left[node] as number) : (t.right[node] as number);
    if (next < 0) return ~next;
    node = next;
  }
}

/** Raw margins of one row (`out` gets `groups` values). */
export function margins(e: TreeEnsemble, x: ArrayLike<number>, out: Float64Array, offset = 0): Float64Array {
  out.set(e.base);
  const trees = e.trees;
  for (let i = 0; i < trees.length; i++) {
    const t = trees[i] as FlatTree;
    const g = e.treeGroup[i] as number;
    out[g] = (out[g] as number) + (t.leafValue[leafOf(t, x, offset)] as number);
  }
  return out;
}

/** Turns margins into probabilities in place (sigmoid gives P(positive) in slot 0). */
export function applyLink(e: TreeEnsemble, m: Float64Array): Float64Array {
  if (e.link === 'sigmoid') m[0] = 1 / (1 + Math.exp(-(e.sigmoidScale ?? 1) * (m[0] as number)));
  else if (e.link === 'softmax') softmaxInPlace(m);
  return m;
}

/** Softmax in place. */
export function softmaxInPlace(m: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < m.length; k++) if ((m[k] as number) > max) max = m[k] as number;
  let s = 0;
  for (let k = 0; k < m.length; k++) {
    const v = Math.exp((m[k] as number) - max);
    m[k] = v;
    s += v;
  }
  for (let k = 0; k < m.length; k++) m[k] = (m[k] as number) / s;
}

/**
 * Path attributions (Saabas): along the path a row takes, each split's feature is credited with
 * the change of the node value from the parent to the child taken. Their sum plus the root
 * values is the margin, so the credits explain the score exactly, in margin units.
 */
export function pathAttributions(
  e: TreeEnsemble,
  x: ArrayLike<number>,
  group: number,
  out: Float64Array,
  offset = 0,
): Float64Array {
  out.fill(0);
  for (let i = 0; i < e.trees.length; i++) {
    if (e.treeGroup[i] !== group) continue;
    const t = e.trees[i] as FlatTree;
    if (t.left.length === 0) continue;
    let node = 0;
    for (;;) {
      const f = t.feature[node] as number;
      const v = x[offset + f] as number;
      const fl = t.flags[node] as number;
      const goLeft = Number.isNaN(v)
        ? (fl & DEFAULT_LEFT) !== 0
        : (fl & STRICT_LESS) !== 0
          ? v < (t.threshold[node] as number)
          : v <= (t.threshold[node] as number);
      const next = goLeft ? (t.left[node] as number) : (t.right[node] as number);
      const childValue = next < 0 ? (t.leafValue[~next] as number) : (t.nodeValue[next] as number);
      out[f] = (out[f] as number) + childValue - (t.nodeValue[node] as number);
      if (next < 0) break;
      node = next;
    }
  }
  return out;
}

/** Fills internal node values and covers from leaf values and covers (cover-weighted means). */
export function fillNodeValues(t: {
  left: Int32Array;
  right: Int32Array;
  leafValue: Float64Array;
  leafCover: Float64Array;
  nodeValue: Float64Array;
  nodeCover: Float64Array;
}): void {
  const visit = (node: number): [number, number] => {
    if (node < 0) return [t.leafValue[~node] as number, t.leafCover[~node] as number];
    const [lv, lc] = visit(t.left[node] as number);
    const [rv, rc] = visit(t.right[node] as number);
    const c = lc + rc;
    const v = c > 0 ? (lv * lc + rv * rc) / c : (lv + rv) / 2;
    t.nodeValue[node] = v;
    t.nodeCover[node] = c;
    return [v, c];
  };
  if (t.left.length > 0) visit(0);
}

/** A tree as plain JSON (typed arrays as number arrays) and back. */
export interface FlatTreeJson {
  readonly feature: number[];
  readonly threshold: (number | string)[];
  readonly flags: number[];
  readonly left: number[];
  readonly right: number[];
  readonly nodeValue: number[];
  readonly nodeCover: number[];
  readonly leafValue: number[];
  readonly leafCover: number[];
}

/** JSON form of a number: non-finite values as strings. */
const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const unnum = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** Serialises a tree. */
export function treeToJson(t: FlatTree): FlatTreeJson {
  return {
    feature: [...t.feature],
    threshold: [...t.threshold].map(num),
    flags: [...t.flags],
    left: [...t.left],
    right: [...t.right],
    nodeValue: [...t.nodeValue],
    nodeCover: [...t.nodeCover],
    leafValue: [...t.leafValue],
    leafCover: [...t.leafCover],
  };
}

/** Restores a serialised tree. */
export function treeFromJson(j: FlatTreeJson): FlatTree {
  return {
    feature: Int32Array.from(j.feature),
    threshold: Float64Array.from(j.threshold.map(unnum)),
    flags: Uint8Array.from(j.flags),
    left: Int32Array.from(j.left),
    right: Int32Array.from(j.right),
    nodeValue: Float64Array.from(j.nodeValue),
    nodeCover: Float64Array.from(j.nodeCover),
    leafValue: Float64Array.from(j.leafValue),
    leafCover: Float64Array.from(j.leafCover),
  };
}
