/**
 * @module
 * Next-step prediction. Given an incident's techniques in order, six views each give a
 * distribution over the next technique, and their weighted blend is calibrated:
 *
 * - `pop`: popularity of techniques as *new* steps in ordered sequences (reports, flows,
 *   incidents); `sets`: how many ATT&CK sets hold each technique (a prior that needs no order);
 * - `trans`: the transition from the last technique;
 * - `after`: what followed each earlier technique anywhere later in a sequence;
 * - `knn`: a neighbour vote of ATT&CK groups, software, campaigns and flows whose technique sets
 *   share the observed techniques (IDF-weighted overlap over the square root of the set size,
 *   the best `K_NEIGHBOURS`), which is how CTID's Technique Inference Engine recommends too;
 * - `seqKnn`: the same vote over the technique sets of the ordered sequences (reports, closed
 *   incidents), which are a different population from ATT&CK's curated sets.
 *
 * The weights are fitted by validation inside the training data (`fit.ts`). Techniques already
 * seen are not predicted again. Tactics come from the technique distribution (see
 * `TacticRanking`). Scores are raised to a power fitted on held-out documents and normalised, so
 * they read as probabilities.
 */
import { rankTactics } from './tactic-ranker.js';
import type { Blend, Counts, NextStep, NextStepModelData, Scored, TacticRanking, ViewName } from './types.js';

/** Blend weights of a model file that carries none (the weights of the first released model). */
export const DEFAULT_BLEND: Blend = { pop: 1, sets: 0.5, trans: 0.5, after: 1, knn: 1, seqKnn: 0 };
/** @deprecated the default blend; a model's own weights are in its `blend`. */
export const BLEND = DEFAULT_BLEND;
/** Tactic ranking of a model file that carries none. */
export const DEFAULT_TACTIC_RANKING: TacticRanking = { mode: 'split', power: 1, markov: 0 };
/** The views, in blend order. */
export const VIEWS: readonly ViewName[] = ['pop', 'sets', 'trans', 'after', 'knn', 'seqKnn'];
const K_NEIGHBOURS = 50;
/** Neighbours among the ordered sequences (fewer and smaller sets than ATT&CK's). */
const K_SEQUENCE_NEIGHBOURS = 20;
const SIZE_EXPONENT = 0.5;
/** Techniques returned by default. */
export const DEFAULT_TOP = 20;
/** Most techniques a query may carry (the rest are ignored, oldest first). */
export const MAX_QUERY_TECHNIQUES = 500;

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/** Normalises a technique id (`t1059.001` → `T1059.001`); undefined when it is not one. */
export function techniqueId(s: string): string | undefined {
  const t = s.trim().toUpperCase();
  return TECHNIQUE.test(t) ? t : undefined;
}

const parentOf = (t: string): string => t.split('.')[0] ?? t;

function normalise(c: Counts | undefined, into: Map<string, number>, weight: number): void {
  if (!c) return;
  let total = 0;
  for (const v of Object.values(c)) total += v;
  if (total <= 0) return;
  for (const [k, v] of Object.entries(c)) into.set(k, (into.get(k) ?? 0) + (weight * v) / total);
}

/** Sorts a score map into a list, best first, with ids as tie-break (stable output). */
export function ranked(m: ReadonlyMap<string, number>, top = Infinity): Scored[] {
  return [...m.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([id, score]) => ({ id, score: Math.round(score * 1e6) / 1e6 }));
}

/** Raises scores to `power` and normalises them to sum to one. */
export function calibrate(m: Map<string, number>, power: number): Map<string, number> {
  let total = 0;
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    const p = Math.pow(v, power);
    out.set(k, p);
    total += p;
  }
  if (total > 0) for (const [k, v] of out) out.set(k, v / total);
  return out;
}

/** An inverted index of technique sets for the neighbour votes. */
class SetIndex {
  private readonly index = new Map<string, number[]>();
  readonly df = new Map<string, number>();
  constructor(readonly sets: readonly (readonly string[])[]) {
    sets.forEach((set, i) => {
      for (const t of set) {
        const l = this.index.get(t);
        if (l) l.push(i);
        else this.index.set(t, [i]);
        this.df.set(t, (this.df.get(t) ?? 0) + 1);
      }
    });
  }

  /** The neighbour vote of the `k` sets closest to `distinct`, normalised to sum to one. */
  vote(distinct: readonly string[], k: number): Map<string, number> {
    const n = this.sets.length;
    const query = new Set<string>();
    for (const t of distinct) {
      query.add(t);
      query.add(parentOf(t));
    }
    const overlap = new Map<number, number>();
    for (const t of query) {
      const sets = this.index.get(t);
      if (!sets) continue;
      const idf = Math.log(n / (this.df.get(t) ?? 1));
      for (const i of sets) overlap.set(i, (overlap.get(i) ?? 0) + idf);
    }
    const sims = [...overlap.entries()]
      .map(([i, o]) => [i, o / Math.pow(this.sets[i]?.length ?? 1, SIZE_EXPONENT)] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k);
    const out = new Map<string, number>();
    let total = 0;
    for (const [i, s] of sims)
      for (const t of this.sets[i] ?? []) {
        out.set(t, (out.get(t) ?? 0) + s);
        total += s;
      }
    if (total > 0) for (const [key, v] of out) out.set(key, v / total);
    return out;
  }
}

/** A trained next-step model. */
export class NextStepModel {
  readonly data: NextStepModelData;
  readonly blend: Blend;
  readonly tacticRanking: TacticRanking;
  private readonly attackSets: SetIndex;
  private readonly sequenceSets: SetIndex;
  /** How many sets hold each technique (a prior that needs no ordered data). */
  private readonly setPopularity: Counts = {};

  constructor(data: NextStepModelData) {
    this.data = data;
    this.blend = data.blend ?? DEFAULT_BLEND;
    this.tacticRanking = data.tactic ?? DEFAULT_TACTIC_RANKING;
    this.attackSets = new SetIndex(data.sets);
    this.sequenceSets = new SetIndex(data.sequenceSets ?? []);
    for (const [t, v] of this.attackSets.df) this.setPopularity[t] = v;
  }

  /** The tactics of a technique (a sub-technique falls back to its parent's). */
  tacticsOf(technique: string): readonly string[] {
    return this.data.catalog[technique]?.tactics ?? this.data.catalog[parentOf(technique)]?.tactics ?? [];
  }

  /** Each view's distribution over the next technique (each sums to one, or is empty). */
  views(observed: readonly string[]): Record<ViewName, Map<string, number>> {
    const seq = observed.slice(-MAX_QUERY_TECHNIQUES);
    const d = this.data;
    const one = (c: Counts | undefined): Map<string, number> => {
      const m = new Map<string, number>();
      normalise(c, m, 1);
      return m;
    };
    const last = seq[seq.length - 1];
    const distinct = [...new Set(seq)];
    const after = new Map<string, number>();
    for (const p of distinct) normalise(d.after[p], after, 1 / distinct.length);
    const empty = distinct.length === 0;
    return {
      pop: one(d.pop),
      sets: one(this.setPopularity),
      trans: one(last === undefined ? undefined : d.trans[last]),
      after,
      knn: empty ? new Map() : this.attackSets.vote(distinct, K_NEIGHBOURS),
      seqKnn: empty ? new Map() : this.sequenceSets.vote(distinct, K_SEQUENCE_NEIGHBOURS),
    };
  }

  /** Uncalibrated blended technique scores (sum to one), seen techniques removed. */
  techniqueScores(observed: readonly string[], blend: Blend = this.blend): Map<string, number> {
    const views = this.views(observed);
    const sc = new Map<string, number>();
    for (const v of VIEWS) {
      const w = blend[v];
      if (w > 0) for (const [k, x] of views[v]) sc.set(k, (sc.get(k) ?? 0) + w * x);
    }
    for (const s of observed) sc.delete(s);
    let total = 0;
    for (const v of sc.values()) total += v;
    if (total > 0) for (const [k, v] of sc) sc.set(k, v / total);
    return sc;
  }

  /** The tactic chain's next-tactic row after the last technique (sums to one, or is empty). */
  markovRow(observed: readonly string[]): Map<string, number> {
    const last = observed[observed.length - 1];
    const row = new Map<string, number>();
    if (last === undefined) return row;
    const tactics = this.tacticsOf(last);
    for (const t of tactics) normalise(this.data.tacticTrans[t], row, 1 / tactics.length);
    return row;
  }

  /**
   * Tactic scores from a technique distribution (sum to one). `split` shares a technique's mass
   * between its tactics. `coverage` scores each tactic by the mass it adds when tactics are
   * picked greedily, a technique counting once for any of its tactics: the top k then cover as
   * much of the distribution as a greedy pick can, which is what tactic hit@k rewards.
   */
  tacticScores(
    techniques: ReadonlyMap<string, number>,
    markov: ReadonlyMap<string, number> = new Map(),
    r: TacticRanking = this.tacticRanking,
  ): Map<string, number> {
    const items: { w: number; tactics: readonly string[] }[] = [];
    let total = 0;
    for (const [t, v] of techniques) {
      const tactics = this.tacticsOf(t);
      const w = Math.pow(v, r.power);
      if (tactics.length > 0 && w > 0) {
        items.push({ w, tactics });
        total += w;
      }
    }
    for (const it of items) it.w /= total;
    if (r.markov > 0) for (const [c, v] of markov) items.push({ w: r.markov * v, tactics: [c] });
    const out = new Map<string, number>();
    if (r.mode === 'split') {
      for (const it of items) for (const c of it.tactics) out.set(c, (out.get(c) ?? 0) + it.w / it.tactics.length);
    } else {
      let left = items;
      for (;;) {
        const gain = new Map<string, number>();
        for (const it of left) for (const c of it.tactics) gain.set(c, (gain.get(c) ?? 0) + it.w);
        let best: string | undefined;
        let bv = 0;
        for (const [c, g] of gain) if (g > bv || (g === bv && best !== undefined && c < best)) [best, bv] = [c, g];
        if (best === undefined) break;
        out.set(best, bv);
        const picked = best;
        left = left.filter((it) => !it.tactics.includes(picked));
      }
    }
    let sum = 0;
    for (const v of out.values()) sum += v;
    if (sum > 0) for (const [k, v] of out) out.set(k, v / sum);
    return out;
  }

  /**
   * Uncalibrated tactic scores after `seq` (sum to one): the learnt ranker's when the model has
   * one, else from the technique distribution `raw` (`techniqueScores(seq)`).
   */
  tacticDistribution(seq: readonly string[], raw?: ReadonlyMap<string, number>): Map<string, number> {
    if (this.data.tacticRanker) return rankTactics(this, this.data.tacticRanker, seq);
    return this.tacticScores(raw ?? this.techniqueScores(seq), this.markovRow(seq));
  }

  /**
   * The likely next techniques and tactics after `observed` (ids in order; unknown or malformed
   * ids are ignored), calibrated, best first.
   */
  predict(observed: readonly string[], top = DEFAULT_TOP): NextStep {
    const seq = observed.map(techniqueId).filter((t): t is string => t !== undefined);
    const raw = this.techniqueScores(seq);
    const tech = calibrate(raw, this.data.calibration.techniques);
    const tac = calibrate(this.tacticDistribution(seq, raw), this.data.calibration.tactics);
    return { tactics: ranked(tac), techniques: ranked(tech, top) };
  }
}

/** Most frequent key of a count map, or undefined. */
export function argmax(c: Counts | undefined): string | undefined {
  let best: string | undefined;
  let bv = -Infinity;
  for (const [k, v] of Object.entries(c ?? {}))
    if (v > bv || (v === bv && best !== undefined && k < best)) {
      best = k;
      bv = v;
    }
  return best;
}
