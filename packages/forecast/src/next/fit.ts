/**
 * @module
 * Fitting the blend: the weight of each view and the tactic ranking are chosen by the hit rates
 * on validation cases, which must come from documents the models that scored them did not train
 * on (`crossValidate` passes inner folds of its training documents, so no held-out document
 * takes part). The views of a case do not depend on the weights, so they are computed once and
 * kept as dense arrays; trying a set of weights is then a few multiply-adds per technique.
 */
import { DEFAULT_BLEND, VIEWS, type NextStepModel } from './model.js';
import type { Blend, NextCase, TacticRanking, ViewName } from './types.js';

/** A validation case with its views over a shared technique index. */
export interface PreparedCase {
  readonly views: readonly Float32Array[];
  /** Technique indices where some view is not zero (the only ones a blend can score). */
  readonly nz: Int32Array;
  readonly seen: readonly number[];
  readonly next: number;
  /** Tactic indices of the true next technique. */
  readonly tactics: readonly number[];
  /** The tactic chain's row, dense over the tactic index. */
  readonly markov: Float32Array;
}

/** The index the prepared cases share: techniques and tactics by position. */
export class PreparedIndex {
  readonly techniques = new Map<string, number>();
  readonly tactics = new Map<string, number>();
  /** Tactic indices of each technique index. */
  readonly tacticsOf: number[][] = [];

  constructor(model: NextStepModel) {
    for (const t of Object.keys(model.data.catalog).sort()) this.technique(t, model);
    for (const t of Object.keys(model.data.tacticNames).sort()) this.tactic(t);
  }

  tactic(id: string): number {
    let i = this.tactics.get(id);
    if (i === undefined) this.tactics.set(id, (i = this.tactics.size));
    return i;
  }

  technique(id: string, model: NextStepModel): number {
    let i = this.techniques.get(id);
    if (i === undefined) {
      this.techniques.set(id, (i = this.techniques.size));
      this.tacticsOf.push(model.tacticsOf(id).map((c) => this.tactic(c)));
    }
    return i;
  }
}

/** Views of `cases` under `model`, densified over `index` (which grows with unseen ids). */
export function prepareCases(model: NextStepModel, cases: readonly NextCase[], index: PreparedIndex): PreparedCase[] {
  return cases.map((c) => {
    const v = model.views(c.prefix);
    for (const name of VIEWS) for (const k of v[name].keys()) index.technique(k, model);
    const m = model.markovRow(c.prefix);
    for (const k of m.keys()) index.tactic(k);
    const views = VIEWS.map((name) => dense(v[name], index.techniques));
    const nz: number[] = [];
    for (let i = 0; i < index.techniques.size; i++) if (views.some((x) => (x[i] ?? 0) > 0)) nz.push(i);
    return {
      views,
      nz: Int32Array.from(nz),
      seen: [...new Set(c.prefix)].map((t) => index.technique(t, model)),
      next: index.technique(c.next, model),
      tactics: c.tactics.map((t) => index.tactic(t)),
      markov: dense(m, index.tactics),
    };
  });
}

function dense(m: ReadonlyMap<string, number>, index: ReadonlyMap<string, number>): Float32Array {
  const out = new Float32Array(index.size);
  for (const [k, v] of m) {
    const i = index.get(k);
    if (i !== undefined) out[i] = v;
  }
  return out;
}

/** Weights tried for each view, and the tactic rankings tried. */
const GRID = [0, 0.25, 0.5, 1, 2, 4];
const POWERS = [1, 1.5, 2, 3];
const MARKOV = [0, 0.25, 0.5, 1];

/** Hit counts of one set of weights on prepared cases. */
function hits(
  cases: readonly PreparedCase[],
  index: PreparedIndex,
  blend: Blend,
  r: TacticRanking,
): { k10: number; t3: number } {
  const n = index.techniques.size;
  const nt = index.tactics.size;
  const sc = new Float64Array(n);
  const gain = new Float64Array(nt);
  let k10 = 0;
  let t3 = 0;
  for (const c of cases) {
    sc.fill(0);
    VIEWS.forEach((name, j) => {
      const w = blend[name];
      const v = c.views[j];
      if (w > 0 && v) for (const i of c.nz) sc[i] = (sc[i] ?? 0) + w * (v[i] ?? 0);
    });
    for (const s of c.seen) sc[s] = 0;
    const truth = sc[c.next] ?? 0;
    let above = 0;
    for (const i of c.nz) if ((sc[i] ?? 0) > truth) above++;
    if (truth > 0 && above < 10) k10++;
    if (tacticTop3(sc, c, index, r, gain)) t3++;
  }
  return { k10, t3 };
}

/** Whether the top three tactics of `sc` (as `NextStepModel.tacticScores` ranks them) hit. */
function tacticTop3(
  sc: Float64Array,
  c: PreparedCase,
  index: PreparedIndex,
  r: TacticRanking,
  gain: Float64Array,
): boolean {
  let total = 0;
  const w = new Float64Array(sc.length);
  for (const i of c.nz)
    if ((sc[i] ?? 0) > 0 && (index.tacticsOf[i]?.length ?? 0) > 0) total += w[i] = Math.pow(sc[i] ?? 0, r.power);
  if (total > 0) for (const i of c.nz) w[i] = (w[i] ?? 0) / total;
  const picked: number[] = [];
  const covered = new Uint8Array(sc.length);
  const markovLeft = new Float64Array(gain.length);
  for (let k = 0; k < gain.length; k++) markovLeft[k] = r.markov * (c.markov[k] ?? 0);
  for (let round = 0; round < 3; round++) {
    gain.set(markovLeft);
    for (const i of c.nz) {
      const wi = w[i] ?? 0;
      if (wi <= 0 || covered[i]) continue;
      const ts = index.tacticsOf[i] ?? [];
      const share = r.mode === 'split' ? wi / ts.length : wi;
      for (const t of ts) gain[t] = (gain[t] ?? 0) + share;
    }
    for (const p of picked) gain[p] = -1;
    let best = -1;
    let bv = 0;
    for (let t = 0; t < gain.length; t++) if ((gain[t] ?? 0) > bv) [best, bv] = [t, gain[t] ?? 0];
    if (best < 0) break;
    picked.push(best);
    markovLeft[best] = 0;
    if (r.mode === 'coverage') for (const i of c.nz) if (index.tacticsOf[i]?.includes(best)) covered[i] = 1;
  }
  return c.tactics.some((t) => picked.includes(t));
}

/** What `fitBlend` chose and how it scored on the validation cases. */
export interface FittedBlend {
  readonly blend: Blend;
  readonly tactic: TacticRanking;
  readonly validation: { readonly technique_hit10: number; readonly tactic_hit3: number; readonly cases: number };
}

/**
 * Chooses the view weights by technique hit@10 (coordinate ascent over `GRID`, two passes, from
 * the default blend), then the tactic ranking by tactic hit@3 under those weights.
 */
export function fitBlend(cases: readonly PreparedCase[], index: PreparedIndex): FittedBlend {
  const start: TacticRanking = { mode: 'split', power: 1, markov: 0 };
  let blend: Record<ViewName, number> = { ...DEFAULT_BLEND, seqKnn: 1 };
  let best = hits(cases, index, blend, start).k10;
  for (let pass = 0; pass < 2; pass++)
    for (const v of VIEWS)
      for (const g of GRID) {
        const b = { ...blend, [v]: g };
        if (VIEWS.every((x) => b[x] === 0)) continue;
        const k = hits(cases, index, b, start).k10;
        if (k > best) [best, blend] = [k, b];
      }
  let tactic = start;
  let bt = hits(cases, index, blend, start).t3;
  for (const mode of ['split', 'coverage'] as const)
    for (const power of POWERS)
      for (const markov of MARKOV) {
        const t = hits(cases, index, blend, { mode, power, markov }).t3;
        if (t > bt) [bt, tactic] = [t, { mode, power, markov }];
      }
  const n = Math.max(1, cases.length);
  return {
    blend,
    tactic,
    validation: { technique_hit10: round(best / n), tactic_hit3: round(bt / n), cases: cases.length },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
