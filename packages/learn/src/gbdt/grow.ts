/**
 * @module
 * Grows one histogram tree, leaf-wise (the leaf with the best gain splits next, as LightGBM
 * does), on binned features and per-row gradients and hessians. Histograms are typed arrays of
 * (gradient, hessian, count) per feature and bin; a split builds the smaller child's histogram
 * and gets the larger one by subtraction from the parent's.
 */
import { MISSING_BIN } from './binning.js';

/** Stride of one feature's histogram: 256 bins × (gradient, hessian, count). */
const FSTRIDE = 256 * 3;

/** Tree growth settings. */
export interface GrowParams {
  readonly maxLeaves: number;
  /** 0 = unlimited. */
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly minHessian: number;
  readonly lambda: number;
  readonly minGain: number;
  readonly learningRate: number;
}

/** The binned training data. */
export interface BinnedData {
  /** Column-major bins: `binned[f * rows + i]`. */
  readonly binned: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Present-value bins per feature. */
  readonly binCount: Int32Array;
  readonly edges: readonly Float64Array[];
}

/** A grown tree in both forms: on bins (to update margins fast) and on raw values. */
export interface GrownTree {
  readonly splitFeature: number[];
  readonly splitBin: number[];
  readonly threshold: number[];
  readonly missingLeft: boolean[];
  readonly left: number[];
  readonly right: number[];
  readonly nodeValue: number[];
  readonly nodeCover: number[];
  readonly leafValue: number[];
  readonly leafCover: number[];
  /** Gain credited to each feature. */
  readonly gain: Float64Array;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
}

interface Leaf {
  start: number;
  end: number;
  hist: Float64Array;
  g: number;
  h: number;
  c: number;
  depth: number;
  /** Where this leaf hangs: parent node and side, or -1 for the root. */
  parent: number;
  side: 0 | 1;
  split: Split | undefined;
}

/** Scratch buffers reused across trees. */
export class GrowScratch {
  readonly idx: Int32Array;
  readonly tmp: Int32Array;
  readonly gs: Float64Array;
  readonly hs: Float64Array;
  private pool: Float64Array[] = [];

  constructor(
    rows: number,
    private readonly cols: number,
  ) {
    this.idx = new Int32Array(rows);
    this.tmp = new Int32Array(rows);
    this.gs = new Float64Array(rows);
    this.hs = new Float64Array(rows);
  }

  hist(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.cols * FSTRIDE);
  }

  release(h: Float64Array): void {
    this.pool.push(h);
  }
}

/**
 * Grows a tree over the rows listed in `scratch.idx[0..count)`, using only `features`.
 */
export function growTree(
  d: BinnedData,
  grad: Float64Array,
  hess: Float64Array,
  count: number,
  features: Int32Array,
  p: GrowParams,
  s: GrowScratch,
): GrownTree {
  const t: GrownTree = {
    splitFeature: [],
    splitBin: [],
    threshold: [],
    missingLeft: [],
    left: [],
    right: [],
    nodeValue: [],
    nodeCover: [],
    leafValue: [],
    leafCover: [],
    gain: new Float64Array(d.cols),
  };
  const root: Leaf = {
    start: 0,
    end: count,
    hist: s.hist(),
    g: 0,
    h: 0,
    c: count,
    depth: 0,
    parent: -1,
    side: 0,
    split: undefined,
  };
  for (let r = 0; r < count; r++) {
    const i = s.idx[r] as number;
    root.g += grad[i] as number;
    root.h += hess[i] as number;
  }
  buildHist(d, grad, hess, root, features, s);
  root.split = bestSplit(d, root, features, p);
  const leaves: Leaf[] = [root];
  while (leaves.length < p.maxLeaves) {
    let best = -1;
    let bestGain = p.minGain;
    for (let l = 0; l < leaves.length; l++) {
      const sp = (leaves[l] as Leaf).split;
      if (sp && sp.gain > bestGain) {
        bestGain = sp.gain;
        best = l;
      }
    }
    if (best < 0) break;
    const leaf = leaves[best] as Leaf;
    const [a, b] = splitLeaf(d, grad, hess, leaf, t, features, p, s);
    leaves[best] = a;
    leaves.push(b);
  }
  // Leaves in order; hook them to their parents.
  for (let l = 0; l < leaves.length; l++) {
    const leaf = leaves[l] as Leaf;
    t.leafValue.push(leafWeight(leaf.g, leaf.h, p));
    t.leafCover.push(leaf.h);
    if (leaf.parent >= 0) {
      if (leaf.side === 0) t.left[leaf.parent] = ~l;
      else t.right[leaf.parent] = ~l;
    }
    s.release(leaf.hist);
  }
  return t;
}

function leafWeight(g: number, h: number, p: GrowParams): number {
  return (-g / (h + p.lambda)) * p.learningRate;
}

/** Adds the leaf's rows to its histogram (gradients gathered first so the feature loop is tight). */
function buildHist(
  d: BinnedData,
  grad: Float64Array,
  hess: Float64Array,
  leaf: Leaf,
  features: Int32Array,
  s: GrowScratch,
): void {
  const hist = leaf.hist;
  const n = d.rows;
  const { idx, gs, hs } = s;
  for (let r = leaf.start; r < leaf.end; r++) {
    const i = idx[r] as number;
    gs[r] = grad[i] as number;
    hs[r] = hess[i] as number;
  }
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi] as number;
    const hb = f * FSTRIDE;
    hist.fill(0, hb, hb + FSTRIDE);
    const base = f * n;
    for (let r = leaf.start; r < leaf.end; r++) {
      const o = hb + (d.binned[base + (idx[r] as number)] as number) * 3;
      hist[o] = (hist[o] as number) + (gs[r] as number);
      hist[o + 1] = (hist[o + 1] as number) + (hs[r] as number);
      hist[o + 2] = (hist[o + 2] as number) + 1;
    }
  }
}

function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

/** The best split of a leaf over `features`, or undefined. */
function bestSplit(d: BinnedData, leaf: Leaf, features: Int32Array, p: GrowParams): Split | undefined {
  if (p.maxDepth > 0 && leaf.depth >= p.maxDepth) return undefined;
  if (leaf.c < 2 * p.minLeaf) return undefined;
  const { g: G, h: H, c: C } = leaf;
  const parent = score(G, H, p.lambda);
  const hist = leaf.hist;
  let best: Split | undefined;
  let bestGain = p.minGain;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi] as number;
    const nb = d.binCount[f] as number;
    const hb = f * FSTRIDE;
    const mo = hb + MISSING_BIN * 3;
    const gm = hist[mo] as number;
    const hm = hist[mo + 1] as number;
    const cm = hist[mo + 2] as number;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const o = hb + b * 3;
      gl += hist[o] as number;
      hl += hist[o + 1] as number;
      cl += hist[o + 2] as number;
      if ((hist[o + 2] as number) === 0) continue;
      // Missing values right.
      {
        const gr = G - gl;
        const hr = H - hl;
        const cr = C - cl;
        if (cl >= p.minLeaf && cr >= p.minLeaf && hl >= p.minHessian && hr >= p.minHessian) {
          const gain = score(gl, hl, p.lambda) + score(gr, hr, p.lambda) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: f, bin: b, missingLeft: false };
          }
        }
      }
      if (cm > 0) {
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        const cl2 = cl + cm;
        const gr = G - gl2;
        const hr = H - hl2;
        const cr = C - cl2;
        if (cl2 >= p.minLeaf && cr >= p.minLeaf && hl2 >= p.minHessian && hr >= p.minHessian) {
          const gain = score(gl2, hl2, p.lambda) + score(gr, hr, p.lambda) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: f, bin: b, missingLeft: true };
          }
        }
      }
    }
  }
  return best;
}

/** Splits a leaf into two, records the internal node, and finds the children's best splits. */
function splitLeaf(
  d: BinnedData,
  grad: Float64Array,
  hess: Float64Array,
  leaf: Leaf,
  t: GrownTree,
  features: Int32Array,
  p: GrowParams,
  s: GrowScratch,
): [Leaf, Leaf] {
  const sp = leaf.split as Split;
  const node = t.splitFeature.length;
  t.splitFeature.push(sp.feature);
  t.splitBin.push(sp.bin);
  t.threshold.push((d.edges[sp.feature] as Float64Array)[sp.bin] as number);
  t.missingLeft.push(sp.missingLeft);
  t.left.push(0);
  t.right.push(0);
  t.nodeValue.push(leafWeight(leaf.g, leaf.h, p));
  t.nodeCover.push(leaf.h);
  t.gain[sp.feature] = (t.gain[sp.feature] as number) + sp.gain;
  if (leaf.parent >= 0) {
    if (leaf.side === 0) t.left[leaf.parent] = node;
    else t.right[leaf.parent] = node;
  }
  // Stable partition: left rows first.
  const { idx, tmp } = s;
  const base = sp.feature * d.rows;
  let nl = leaf.start;
  let nr = 0;
  let gl = 0;
  let hl = 0;
  for (let r = leaf.start; r < leaf.end; r++) {
    const i = idx[r] as number;
    const bin = d.binned[base + i] as number;
    const goLeft = bin === MISSING_BIN ? sp.missingLeft : bin <= sp.bin;
    if (goLeft) {
      idx[nl++] = i;
      gl += grad[i] as number;
      hl += hess[i] as number;
    } else tmp[nr++] = i;
  }
  idx.set(tmp.subarray(0, nr), nl);
  const depth = leaf.depth + 1;
  const a: Leaf = {
    start: leaf.start,
    end: nl,
    hist: leaf.hist,
    g: gl,
    h: hl,
    c: nl - leaf.start,
    depth,
    parent: node,
    side: 0,
    split: undefined,
  };
  const b: Leaf = {
    start: nl,
    end: leaf.end,
    hist: s.hist(),
    g: leaf.g - gl,
    h: leaf.h - hl,
    c: leaf.end - nl,
    depth,
    parent: node,
    side: 1,
    split: undefined,
  };
  // The smaller child is built; the larger is the parent minus it (the parent's buffer is reused).
  const [small, large] = a.c <= b.c ? [a, b] : [b, a];
  const parentHist = leaf.hist;
  if (small === a) {
    // a owns the parent's buffer: move it to b first.
    b.hist.set(parentHist);
    a.hist = s.hist();
  }
  buildHist(d, grad, hess, small, features, s);
  const lh = large.hist;
  const sh = small.hist;
  for (let fi = 0; fi < features.length; fi++) {
    const hb = (features[fi] as number) * FSTRIDE;
    for (let o = hb; o < hb + FSTRIDE; o++) lh[o] = (lh[o] as number) - (sh[o] as number);
  }
  a.split = bestSplit(d, a, features, p);
  b.split = bestSplit(d, b, features, p);
  return [a, b];
}

/** The leaf a binned row reaches. */
export function binnedLeaf(t: GrownTree, binned: Uint8Array, rows: number, i: number): number {
  if (t.splitFeature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const bin = binned[(t.splitFeature[node] as number) * rows + i] as number;
    const goLeft = bin === MISSING_BIN ? (t.missingLeft[node] as boolean) : bin <= (t.splitBin[node] as number);
    const next = goLeft ? (t.left[node] as number) : (t.right[node] as number);
    if (next < 0) return ~next;
    node = next;
  }
}
