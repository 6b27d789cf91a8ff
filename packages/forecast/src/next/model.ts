/**
 * @module
 * Next-step prediction. Given an incident's techniques in order, four views each give a
 * distribution over the next technique, and their blend is calibrated:
 *
 * - popularity of techniques as *new* steps in ordered sequences (reports, flows, incidents),
 *   plus, at half weight, how many ATT&CK sets hold each technique (a prior that needs no order);
 * - the transition from the last technique;
 * - what followed each earlier technique anywhere later in a sequence;
 * - a neighbour vote: ATT&CK groups, software, campaigns and flows whose technique sets share
 *   the observed techniques (IDF-weighted overlap over the square root of the set size, the
 *   best `K_NEIGHBOURS`), which is how CTID's Technique Inference Engine recommends too.
 *
 * Techniques already seen are not predicted again. A tactic's score is the probability mass of
 * the techniques under it (split between a technique's tactics). Scores are raised to a power
 * fitted on held-out documents and normalised, so they read as probabilities.
 */
import type { Counts, NextStep, NextStepModelData, Scored } from './types.js';

/** Blend weights (popularity, transition, after, neighbours), chosen by document-split CV. */
export const BLEND = { pop: 1, trans: 0.5, after: 1, knn: 1, sets: 0.5 } as const;
const K_NEIGHBOURS = 50;
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

/** A trained next-step model. */
export class NextStepModel {
  readonly data: NextStepModelData;
  private readonly index = new Map<string, number[]>();
  private readonly df = new Map<string, number>();
  /** How many sets hold each technique (a prior that needs no ordered data). */
  private readonly setPopularity: Counts = {};

  constructor(data: NextStepModelData) {
    this.data = data;
    data.sets.forEach((set, i) => {
      for (const t of set) {
        const l = this.index.get(t);
        if (l) l.push(i);
        else this.index.set(t, [i]);
        this.df.set(t, (this.df.get(t) ?? 0) + 1);
      }
    });
    for (const [t, v] of this.df) this.setPopularity[t] = v;
  }

  /** The tactics of a technique (a sub-technique falls back to its parent's). */
  tacticsOf(technique: string): readonly string[] {
    return this.data.catalog[technique]?.tactics ?? this.data.catalog[parentOf(technique)]?.tactics ?? [];
  }

  /** Uncalibrated blended technique scores (sum to one), seen techniques removed. */
  techniqueScores(observed: readonly string[]): Map<string, number> {
    const seq = observed.slice(-MAX_QUERY_TECHNIQUES);
    const sc = new Map<string, number>();
    const d = this.data;
    normalise(d.pop, sc, BLEND.pop);
    if (BLEND.sets > 0) normalise(this.setPopularity, sc, BLEND.sets);
    const last = seq[seq.length - 1];
    if (last !== undefined) normalise(d.trans[last], sc, BLEND.trans);
    const distinct = [...new Set(seq)];
    if (distinct.length > 0) {
      const after = new Map<string, number>();
      for (const p of distinct) normalise(d.after[p], after, 1 / distinct.length);
      for (const [k, v] of after) sc.set(k, (sc.get(k) ?? 0) + BLEND.after * v);
      const knn = this.neighbours(distinct);
      for (const [k, v] of knn) sc.set(k, (sc.get(k) ?? 0) + BLEND.knn * v);
    }
    for (const s of distinct) sc.delete(s);
    let total = 0;
    for (const v of sc.values()) total += v;
    if (total > 0) for (const [k, v] of sc) sc.set(k, v / total);
    return sc;
  }

  /** The neighbour vote, normalised to sum to one. */
  private neighbours(distinct: readonly string[]): Map<string, number> {
    const n = this.data.sets.length;
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
      .map(([i, o]) => [i, o / Math.pow(this.data.sets[i]?.length ?? 1, SIZE_EXPONENT)] as const)
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, K_NEIGHBOURS);
    const out = new Map<string, number>();
    let total = 0;
    for (const [i, s] of sims)
      for (const t of this.data.sets[i] ?? []) {
        out.set(t, (out.get(t) ?? 0) + s);
        total += s;
      }
    if (total > 0) for (const [k, v] of out) out.set(k, v / total);
    return out;
  }

  /** Tactic mass of a technique distribution, split evenly between each technique's tactics. */
  tacticScores(techniques: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [t, v] of techniques) {
      const tactics = this.tacticsOf(t);
      for (const c of tactics) out.set(c, (out.get(c) ?? 0) + v / tactics.length);
    }
    return out;
  }

  /**
   * The likely next techniques and tactics after `observed` (ids in order; unknown or malformed
   * ids are ignored), calibrated, best first.
   */
  predict(observed: readonly string[], top = DEFAULT_TOP): NextStep {
    const seq = observed.map(techniqueId).filter((t): t is string => t !== undefined);
    const raw = this.techniqueScores(seq);
    const tech = calibrate(raw, this.data.calibration.techniques);
    const tac = calibrate(this.tacticScores(raw), this.data.calibration.tactics);
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
