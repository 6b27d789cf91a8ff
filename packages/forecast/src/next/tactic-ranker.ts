/**
 * @module
 * A learnt next-tactic ranker: a conditional logit (softmax over ATT&CK's 14 enterprise tactics)
 * over features of each tactic after a prefix: the tactic's share of every view's technique
 * distribution (techniques already seen removed; as mass, share split between a technique's
 * tactics, and mass of the squared distribution), the tactic chain's next-tactic row, whether the
 * last technique or any seen one has the tactic, the distance in ATT&CK's kill-chain order from
 * the last technique's tactics and the furthest seen one, and one intercept per tactic. The
 * target is "any tactic of the true next technique", as tactic hit@k counts it. It is fitted on
 * out-of-fold cases of the training documents only (`fitTacticRanker`, called by `fit.ts`).
 */
import type { NextCase, TacticRankerData } from './types.js';

/** What the ranker needs of a model (`NextStepModel`; structural, so the model can import this file). */
export interface RankerModel {
  views(observed: readonly string[]): Readonly<Record<string, ReadonlyMap<string, number>>>;
  tacticsOf(technique: string): readonly string[];
  markovRow(observed: readonly string[]): ReadonlyMap<string, number>;
}

/** ATT&CK's enterprise tactics in kill-chain order: the ranker's classes. */
export const RANKER_TACTICS: readonly string[] = [
  'TA0043',
  'TA0042',
  'TA0001',
  'TA0002',
  'TA0003',
  'TA0004',
  'TA0005',
  'TA0006',
  'TA0007',
  'TA0008',
  'TA0009',
  'TA0011',
  'TA0010',
  'TA0040',
];
const NT = RANKER_TACTICS.length;
const INDEX = new Map(RANKER_TACTICS.map((t, i) => [t, i]));
/** Features per tactic: 6 views x 3, chain 2, seen 3, kill chain 6, intercepts 14. */
export const RANKER_FEATURES = 6 * 3 + 2 + 3 + 6 + NT;
/**
 * L2 strengths tried by inner cross-validation. The wider grid (was 10⁻³ and 10⁻² only) won the
 * variant search inside the training documents: 3,243 vs 3,233 hits in 4,796 inner scorings.
 */
export const RANKER_LAMBDAS: readonly number[] = [1e-4, 1e-3, 1e-2, 3e-2, 1e-1];
const ITERATIONS = 250;
const RATE = 0.05;

const log = (x: number): number => Math.log(1e-4 + x);

/** The features of every tactic after `prefix`, flat (`NT` rows of `RANKER_FEATURES`). */
export function tacticFeatures(model: RankerModel, prefix: readonly string[]): Float64Array {
  const views = model.views(prefix);
  const seenTechniques = new Set(prefix);
  const X = new Float64Array(NT * RANKER_FEATURES);
  const idx = (t: string): number[] =>
    model
      .tacticsOf(t)
      .map((c) => INDEX.get(c))
      .filter((i): i is number => i !== undefined);
  let col = 0;
  for (const v of Object.values(views)) {
    const any = new Float64Array(NT);
    const split = new Float64Array(NT);
    const any2 = new Float64Array(NT);
    let tot = 0;
    let tot2 = 0;
    for (const [t, p] of v)
      if (!seenTechniques.has(t) && model.tacticsOf(t).length > 0) {
        tot += p;
        tot2 += p * p;
      }
    for (const [t, p] of v) {
      if (seenTechniques.has(t)) continue;
      const n = model.tacticsOf(t).length;
      for (const i of idx(t)) {
        any[i] = (any[i] ?? 0) + p / tot;
        split[i] = (split[i] ?? 0) + p / tot / n;
        any2[i] = (any2[i] ?? 0) + (p * p) / tot2;
      }
    }
    for (let c = 0; c < NT; c++) {
      const o = c * RANKER_FEATURES + col;
      X[o] = log(any[c] ?? 0);
      X[o + 1] = log(split[c] ?? 0);
      X[o + 2] = log(any2[c] ?? 0);
    }
    col += 3;
  }
  const markov = new Float64Array(NT);
  for (const [k, v] of model.markovRow(prefix)) {
    const i = INDEX.get(k);
    if (i !== undefined) markov[i] = v;
  }
  const last = prefix[prefix.length - 1];
  const lastT = last === undefined ? [] : idx(last);
  const seen = new Float64Array(NT);
  for (const t of seenTechniques) for (const i of idx(t)) seen[i] = (seen[i] ?? 0) + 1;
  const ordLast = lastT.length > 0 ? Math.max(...lastT) : -1;
  let ordMax = -1;
  for (let i = 0; i < NT; i++) if ((seen[i] ?? 0) > 0) ordMax = i;
  for (let c = 0; c < NT; c++) {
    const m = markov[c] ?? 0;
    const s = seen[c] ?? 0;
    const d = ordLast < 0 ? 0 : c - ordLast;
    const dm = ordMax < 0 ? 0 : c - ordMax;
    const row = [
      log(m),
      m,
      lastT.includes(c) ? 1 : 0,
      s > 0 ? 1 : 0,
      Math.log1p(s),
      d / 13,
      Math.abs(d) / 13,
      d === 1 ? 1 : 0,
      d > 0 ? 1 : 0,
      dm > 0 ? 1 : 0,
      d < -2 ? 1 : 0,
      ...RANKER_TACTICS.map((_, i) => (i === c ? 1 : 0)),
    ];
    X.set(row, c * RANKER_FEATURES + col);
  }
  return X;
}

/** One training case: the features and the ranker indices of the true technique's tactics. */
export interface RankerCase {
  readonly X: Float64Array;
  readonly truth: readonly number[];
}

/** A case as the ranker trains on it. */
export function rankerCase(model: RankerModel, c: NextCase): RankerCase {
  return {
    X: tacticFeatures(model, c.prefix),
    truth: c.tactics.map((t) => INDEX.get(t)).filter((i): i is number => i !== undefined),
  };
}

function logits(X: Float64Array, w: ArrayLike<number>, out: Float64Array): void {
  for (let c = 0; c < NT; c++) {
    let a = 0;
    const o = c * RANKER_FEATURES;
    for (let j = 0; j < RANKER_FEATURES; j++) a += (w[j] ?? 0) * (X[o + j] ?? 0);
    out[c] = a;
  }
}

/**
 * Fits the weights by Adam on the mean negative log-probability of the true tactics plus an L2
 * penalty (full batch, fixed iterations, from zero: deterministic).
 */
export function fitRankerWeights(cases: readonly RankerCase[], lambda: number): number[] {
  const D = RANKER_FEATURES;
  const w = new Float64Array(D);
  const m = new Float64Array(D);
  const v = new Float64Array(D);
  const g = new Float64Array(D);
  const s = new Float64Array(NT);
  const used = cases.filter((c) => c.truth.length > 0);
  const n = Math.max(1, used.length);
  for (let it = 1; it <= ITERATIONS; it++) {
    g.fill(0);
    for (const { X, truth } of used) {
      logits(X, w, s);
      let mx = -Infinity;
      for (const x of s) mx = Math.max(mx, x);
      let z = 0;
      let pt = 0;
      for (let c = 0; c < NT; c++) z += s[c] = Math.exp((s[c] ?? 0) - mx);
      for (const i of truth) pt += s[i] ?? 0;
      for (let c = 0; c < NT; c++) {
        const e = s[c] ?? 0;
        const d = e / z - (truth.includes(c) ? e / pt : 0);
        if (d === 0) continue;
        const o = c * D;
        for (let j = 0; j < D; j++) g[j] = (g[j] ?? 0) + d * (X[o + j] ?? 0);
      }
    }
    for (let j = 0; j < D; j++) {
      const gj = (g[j] ?? 0) / n + lambda * (w[j] ?? 0);
      m[j] = 0.9 * (m[j] ?? 0) + 0.1 * gj;
      v[j] = 0.999 * (v[j] ?? 0) + 0.001 * gj * gj;
      const mh = (m[j] ?? 0) / (1 - 0.9 ** it);
      const vh = (v[j] ?? 0) / (1 - 0.999 ** it);
      w[j] = (w[j] ?? 0) - (RATE * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return [...w].map((x) => Math.round(x * 1e6) / 1e6);
}

/** How many cases have a true tactic among the top three of `w`. */
export function rankerHits(cases: readonly RankerCase[], w: readonly number[]): number {
  const s = new Float64Array(NT);
  let hits = 0;
  for (const c of cases) {
    logits(c.X, w, s);
    const top = [...s.keys()].sort((a, b) => (s[b] ?? 0) - (s[a] ?? 0) || a - b).slice(0, 3);
    if (c.truth.some((t) => top.includes(t))) hits++;
  }
  return hits;
}

/**
 * Fits the ranker on cases grouped by the fold they came from: the L2 strength is chosen by
 * leave-one-group-out hit@3 among `RANKER_LAMBDAS`, then the weights are fitted on all groups.
 */
export function fitTacticRanker(groups: readonly (readonly RankerCase[])[]): TacticRankerData & {
  readonly validation: { readonly tactic_hit3: number; readonly cases: number };
} {
  let best = -1;
  let lambda = RANKER_LAMBDAS[0] ?? 1e-2;
  const cases = groups.reduce((a, g) => a + g.length, 0);
  for (const l of RANKER_LAMBDAS) {
    let h = 0;
    for (let g = 0; g < groups.length; g++) {
      const train = groups.flatMap((x, i) => (i === g ? [] : x));
      h += rankerHits(groups[g] ?? [], fitRankerWeights(train, l));
    }
    if (h > best) [best, lambda] = [h, l];
  }
  return {
    tactics: RANKER_TACTICS,
    lambda,
    weights: fitRankerWeights(groups.flat(), lambda),
    validation: { tactic_hit3: Math.round((best / Math.max(1, cases)) * 1000) / 1000, cases },
  };
}

/** The ranker's tactic probabilities after `prefix`. */
export function rankTactics(model: RankerModel, r: TacticRankerData, prefix: readonly string[]): Map<string, number> {
  const s = new Float64Array(NT);
  logits(tacticFeatures(model, prefix), r.weights, s);
  let mx = -Infinity;
  for (const x of s) mx = Math.max(mx, x);
  let z = 0;
  for (let c = 0; c < NT; c++) z += s[c] = Math.exp((s[c] ?? 0) - mx);
  return new Map(RANKER_TACTICS.map((t, c) => [t, (s[c] ?? 0) / z]));
}
