/**
 * @module
 * Honest figures for next-step prediction. A case is a prefix of a sequence and the first
 * technique after it that the prefix has not seen (repeats are not predictions). Tactic hit@k
 * counts a hit when any tactic of the true technique is in the top k. Reports are split by
 * document (reports that share text count as one), never by step, and the baselines are scored
 * on the same cases: the best constant tactics, a first-order Markov chain over tactics, and the
 * most common techniques as a constant.
 */
import { fitBlend, prepareCases, PreparedIndex, type FittedBlend, type PreparedCase } from './fit.js';
import { calibrate, NextStepModel, ranked } from './model.js';
import { buildModel, cleanSequence, type TrainingInput } from './train.js';
import { fitTacticRanker, rankerCase, type RankerCase } from './tactic-ranker.js';
import type { ReportSequence } from './corpus.js';
import type { Blend, NextCase, NextStepModelData, TacticRankerData, TacticRanking } from './types.js';

export type { NextCase } from './types.js';

/** Cases of a sequence: every step to a technique the prefix has not seen. */
export function casesOf(seq: readonly string[], tacticsOf: (t: string) => readonly string[]): NextCase[] {
  const s = cleanSequence(seq);
  const out: NextCase[] = [];
  for (let i = 1; i < s.length; i++) {
    const next = s[i] ?? '';
    const prefix = s.slice(0, i);
    if (prefix.includes(next)) continue;
    const tactics = tacticsOf(next);
    if (tactics.length > 0) out.push({ prefix, next, tactics });
  }
  return out;
}

/** Hit rates of one predictor. */
export interface HitRates {
  readonly tactic_hit3: number;
  readonly technique_hit10: number;
  readonly cases: number;
  /** The hit counts behind the rates (so pooled folds are exact, not sums of rounded rates). */
  readonly hits: { readonly tactic3: number; readonly technique10: number };
}

/** A predictor under test: ranked tactic ids and technique ids. */
export type Predictor = (prefix: readonly string[]) => { tactics: readonly string[]; techniques: readonly string[] };

/** Scores a predictor on cases. */
export function hitRates(cases: readonly NextCase[], p: Predictor): HitRates {
  let t3 = 0;
  let k10 = 0;
  for (const c of cases) {
    const r = p(c.prefix);
    const top3 = r.tactics.slice(0, 3);
    if (c.tactics.some((t) => top3.includes(t))) t3++;
    if (r.techniques.slice(0, 10).includes(c.next)) k10++;
  }
  const n = Math.max(1, cases.length);
  return {
    tactic_hit3: round(t3 / n),
    technique_hit10: round(k10 / n),
    cases: cases.length,
    hits: { tactic3: t3, technique10: k10 },
  };
}

/** The model as a predictor. */
export function modelPredictor(model: NextStepModel): Predictor {
  return (prefix) => {
    const r = model.predict(prefix, 10);
    return { tactics: r.tactics.map((x) => x.id), techniques: r.techniques.map((x) => x.id) };
  };
}

/**
 * The baselines from a model's own training counts: the Markov chain over tactics (next tactic
 * from the last technique's tactics, backing off to the most common), and the most common new
 * techniques as a constant (not repeating what was seen).
 */
export function markovPredictor(data: NextStepModelData): Predictor {
  const m = new NextStepModel(data);
  const overall = new Map<string, number>();
  for (const row of Object.values(data.tacticTrans))
    for (const [k, v] of Object.entries(row)) overall.set(k, (overall.get(k) ?? 0) + v);
  const popular = ranked(new Map(Object.entries(data.pop))).map((x) => x.id);
  return (prefix) => {
    const last = prefix[prefix.length - 1] ?? '';
    const row = new Map<string, number>();
    for (const t of m.tacticsOf(last))
      for (const [k, v] of Object.entries(data.tacticTrans[t] ?? {})) row.set(k, (row.get(k) ?? 0) + v);
    const tactics = ranked(row).map((x) => x.id);
    for (const x of ranked(overall)) if (!tactics.includes(x.id)) tactics.push(x.id);
    return { tactics, techniques: popular.filter((t) => !prefix.includes(t)).slice(0, 10) };
  };
}

/** A constant predictor (the anchor: execution, defence evasion, persistence). */
export function constantPredictor(tactics: readonly string[], techniques: readonly string[]): Predictor {
  return () => ({ tactics, techniques });
}

/**
 * Deterministic document folds: groups of documents (a report and its duplicates, see
 * `ReportSequence.group`) sorted by name and dealt round-robin, so a text is never on both sides.
 */
export function foldsOf(reports: readonly ReportSequence[], k: number): ReportSequence[][] {
  const groups = new Map<string, ReportSequence[]>();
  for (const r of reports) {
    const g = r.group ?? r.doc;
    const l = groups.get(g);
    if (l) l.push(r);
    else groups.set(g, [r]);
  }
  const names = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const folds: ReportSequence[][] = Array.from({ length: k }, () => []);
  names.forEach((g, i) => folds[i % k]?.push(...(groups.get(g) ?? [])));
  return folds;
}

/** Figures of a cross-validation. */
export interface CrossValidation {
  readonly folds: number;
  readonly model: HitRates;
  readonly markov: HitRates;
  readonly popular: HitRates;
  /** The blend each outer fold chose on its own training documents (inner folds), and how it validated there. */
  readonly selected: readonly FittedBlend[];
  /** Each outer fold's tactic ranker: the L2 strength chosen and its hit@3 by inner folds (out of fold). */
  readonly rankers: readonly { readonly lambda: number; readonly tactic_hit3: number; readonly cases: number }[];
  /** The blend and tactic ranking fitted on all documents' out-of-fold cases (for the released model). */
  readonly blend: Blend;
  readonly tactic: TacticRanking;
  /** The tactic ranker fitted on all documents' out-of-fold cases (for the released model). */
  readonly tacticRanker: TacticRankerData;
  /** Calibration powers fitted on the held-out predictions. */
  readonly calibration: { readonly techniques: number; readonly tactics: number };
  /** Mean negative log-likelihood of the true next technique, before and after calibration. */
  readonly nll: { readonly raw: number; readonly calibrated: number };
}

const POWERS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const FLOOR = 1e-6;

/** The blend, tactic ranking and tactic ranker fitted on inner folds. */
type Fitted = FittedBlend & { readonly ranker: ReturnType<typeof fitTacticRanker> };

/** Builds a model from `base` plus the reports `train`. */
function modelOn(base: TrainingInput, train: readonly ReportSequence[], fitted?: Fitted): NextStepModelData {
  const ranker = fitted
    ? { tactics: fitted.ranker.tactics, lambda: fitted.ranker.lambda, weights: fitted.ranker.weights }
    : undefined;
  return buildModel({
    ...base,
    ...(fitted ? { blend: fitted.blend, tactic: fitted.tactic } : {}),
    ...(ranker ? { tacticRanker: ranker } : {}),
    sequences: [
      ...(base.sequences ?? []),
      { name: 'reports', kind: 'reports', sequences: train.map((r) => r.techniques) },
    ],
  });
}

/**
 * Fits the blend and the tactic ranker on inner folds: each fold's cases scored by a model of
 * the other folds.
 */
function fitOnFolds(base: TrainingInput, folds: readonly (readonly ReportSequence[])[]): Fitted {
  const all: PreparedCase[] = [];
  const groups: RankerCase[][] = [];
  let index: PreparedIndex | undefined;
  for (let g = 0; g < folds.length; g++) {
    const train = folds.flatMap((x, i) => (i === g ? [] : x));
    const model = new NextStepModel(modelOn(base, train));
    index ??= new PreparedIndex(model);
    const cases = (folds[g] ?? []).flatMap((r) => casesOf(r.techniques, (t) => model.tacticsOf(t)));
    all.push(...prepareCases(model, cases, index));
    groups.push(cases.map((c) => rankerCase(model, c)));
  }
  if (!index) throw new Error('no folds');
  return { ...fitBlend(all, index), ranker: fitTacticRanker(groups) };
}

/**
 * Nested k-fold cross-validation by document. For each outer fold, its reports are held out;
 * the blend weights and tactic ranking are fitted on the other folds alone (each scored by a
 * model of the remaining ones), then a model of all the other reports plus `base` (flows and
 * ATT&CK, which hold no report) with that blend is scored on the held-out reports. No held-out
 * document takes part in choosing the weights. The calibration powers (which do not change
 * rankings) are fitted on the pooled held-out predictions; the released blend on all folds.
 */
export function crossValidate(base: TrainingInput, reports: readonly ReportSequence[], k = 5): CrossValidation {
  const folds = foldsOf(reports, k);
  const pooled: { tech: Map<string, number>; tac: Map<string, number>; c: NextCase }[] = [];
  const all = { model: [] as HitRates[], markov: [] as HitRates[], popular: [] as HitRates[] };
  const selected: FittedBlend[] = [];
  const rankers: CrossValidation['rankers'][number][] = [];
  for (let f = 0; f < k; f++) {
    const inner = folds.filter((_, i) => i !== f);
    const fitted = fitOnFolds(base, inner);
    selected.push({ blend: fitted.blend, tactic: fitted.tactic, validation: fitted.validation });
    rankers.push({ lambda: fitted.ranker.lambda, ...fitted.ranker.validation });
    const data = modelOn(base, inner.flat(), fitted);
    const model = new NextStepModel(data);
    const cases = (folds[f] ?? []).flatMap((r) => casesOf(r.techniques, (t) => model.tacticsOf(t)));
    all.model.push(hitRates(cases, modelPredictor(model)));
    all.markov.push(hitRates(cases, markovPredictor(data)));
    // the most common new techniques of this fold's training data, as a constant
    const popular = ranked(new Map(Object.entries(data.pop))).map((x) => x.id);
    const tacticPop = ranked(
      model.tacticScores(new Map(Object.entries(data.pop)), new Map(), { mode: 'split', power: 1, markov: 0 }),
    ).map((x) => x.id);
    all.popular.push(
      hitRates(cases, (prefix) => ({ tactics: tacticPop, techniques: popular.filter((t) => !prefix.includes(t)) })),
    );
    for (const c of cases) {
      const tech = model.techniqueScores(c.prefix);
      pooled.push({ tech, tac: model.tacticDistribution(c.prefix, tech), c });
    }
  }
  const released = fitOnFolds(base, folds);
  const nll = (power: number, pick: 'tech' | 'tac'): number => {
    let s = 0;
    for (const p of pooled) {
      const cal = calibrate(new Map(p[pick]), power);
      const prob =
        pick === 'tech'
          ? (cal.get(p.c.next) ?? 0)
          : Math.min(
              1,
              p.c.tactics.reduce((a, t) => a + (cal.get(t) ?? 0), 0),
            );
      s -= Math.log(Math.max(FLOOR, prob));
    }
    return s / Math.max(1, pooled.length);
  };
  const best = (pick: 'tech' | 'tac'): number => {
    let bestPower = 1;
    let bestNll = nll(1, pick);
    for (const p of POWERS) {
      const v = nll(p, pick);
      if (v < bestNll) {
        bestNll = v;
        bestPower = p;
      }
    }
    return bestPower;
  };
  const techPower = best('tech');
  const tacPower = best('tac');
  return {
    folds: k,
    model: pool(all.model),
    markov: pool(all.markov),
    popular: pool(all.popular),
    selected,
    rankers,
    blend: released.blend,
    tactic: released.tactic,
    tacticRanker: {
      tactics: released.ranker.tactics,
      lambda: released.ranker.lambda,
      weights: released.ranker.weights,
    },
    calibration: { techniques: techPower, tactics: tacPower },
    nll: { raw: round(nll(1, 'tech')), calibrated: round(nll(techPower, 'tech')) },
  };
}

/** Pooled rates of the folds: their hits over their cases. */
function pool(rs: readonly HitRates[]): HitRates {
  const cases = rs.reduce((a, r) => a + r.cases, 0);
  const t3 = rs.reduce((a, r) => a + r.hits.tactic3, 0);
  const k10 = rs.reduce((a, r) => a + r.hits.technique10, 0);
  const n = Math.max(1, cases);
  return {
    tactic_hit3: round(t3 / n),
    technique_hit10: round(k10 / n),
    cases,
    hits: { tactic3: t3, technique10: k10 },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
