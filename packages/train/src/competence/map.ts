/**
 * @module
 * The competence map of one trainee over ATT&CK: for every technique their exercises trained
 * (the scored levels' `techniques`), how often they found it (solved the level without being
 * shown the solution) out of how often they were asked, grouped into tactics by the Atomic Red
 * Team index; the weakest tactics; and the next exercise: the one that covers most techniques of
 * those tactics, with Atomic techniques of them the trainee has never met as further practice.
 */
import type { ReadyExercise } from '../exercise/levels.js';
import { isScored } from '../exercise/levels.js';
import type { RunReport } from '../scoring/fold.js';
import { lookupTechnique, type AtomicIndex } from './atomic.js';

/** One technique on the map. */
export interface TechniqueCompetence {
  readonly id: string;
  readonly name?: string;
  readonly tactics: readonly string[];
  /** Levels that asked for it. */
  readonly asked: number;
  /** Of those, solved without the solution shown. */
  readonly found: number;
  /** found / asked. */
  readonly reliability: number;
}

/** One tactic on the map. */
export interface TacticCompetence {
  readonly tactic: string;
  readonly asked: number;
  readonly found: number;
  readonly reliability: number;
}

/** A trainee's map and the suggestion. */
export interface CompetenceMap {
  readonly trainee: string;
  readonly runs: number;
  readonly techniques: readonly TechniqueCompetence[];
  readonly tactics: readonly TacticCompetence[];
  /** Weakest first (lowest reliability, then least practised). */
  readonly weakest: readonly string[];
  readonly next?: {
    readonly exercise: string;
    readonly title: string;
    /** Techniques of the weakest tactics it covers. */
    readonly covers: readonly string[];
  };
  /** Atomic techniques of the weakest tactic the trainee has never been asked about (most tests first). */
  readonly practice: readonly { readonly id: string; readonly name: string; readonly tests: number }[];
}

/** A played run: its exercise and report. */
export interface PlayedRun {
  readonly exercise: ReadyExercise;
  readonly report: RunReport;
}

/** An exercise that may be suggested. */
export interface Candidate {
  readonly id: string;
  readonly exercise: ReadyExercise;
}

const UNKNOWN_TACTIC = 'unknown';

/** Builds the map of `trainee` from their runs; `index` names techniques and groups tactics. */
export function competenceMap(
  trainee: string,
  runs: readonly PlayedRun[],
  candidates: readonly Candidate[],
  index?: AtomicIndex,
): CompetenceMap {
  const acc = new Map<string, { asked: number; found: number }>();
  for (const { exercise, report } of runs) {
    const byId = new Map(report.levels.map((l) => [l.id, l]));
    for (const level of exercise.levels) {
      if (!isScored(level)) continue;
      const r = byId.get(level.id);
      if (!r) continue;
      for (const t of level.techniques) {
        const e = acc.get(t) ?? { asked: 0, found: 0 };
        e.asked += 1;
        if (r.solved && !r.solution_shown) e.found += 1;
        acc.set(t, e);
      }
    }
  }
  const tacticsOf = (id: string): readonly string[] => {
    const known = index ? lookupTechnique(index, id) : undefined;
    return known && known.tactics.length > 0 ? known.tactics : [UNKNOWN_TACTIC];
  };
  const techniques = [...acc]
    .map(([id, e]): TechniqueCompetence => {
      const name = index ? lookupTechnique(index, id)?.name : undefined;
      return {
        id,
        ...(name === undefined ? {} : { name }),
        tactics: tacticsOf(id),
        asked: e.asked,
        found: e.found,
        reliability: e.found / e.asked,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const tacticAcc = new Map<string, { asked: number; found: number }>();
  for (const t of techniques)
    for (const ta of t.tactics) {
      const e = tacticAcc.get(ta) ?? { asked: 0, found: 0 };
      e.asked += t.asked;
      e.found += t.found;
      tacticAcc.set(ta, e);
    }
  const tactics = [...tacticAcc]
    .map(([tactic, e]) => ({ tactic, asked: e.asked, found: e.found, reliability: e.found / e.asked }))
    .sort((a, b) => a.reliability - b.reliability || a.asked - b.asked || a.tactic.localeCompare(b.tactic));
  // Tactics never practised are weaker than any practised one, when the index names them.
  const never = (index?.tactics ?? []).filter((t) => !tacticAcc.has(t));
  const weakest = [...never, ...tactics.filter((t) => t.reliability < 1).map((t) => t.tactic)].slice(0, 3);
  const weakSet = new Set(weakest);
  let next: CompetenceMap['next'];
  let best = 0;
  for (const c of candidates) {
    const covers = new Set<string>();
    for (const l of c.exercise.levels)
      if (isScored(l)) for (const t of l.techniques) if (tacticsOf(t).some((x) => weakSet.has(x))) covers.add(t);
    for (const t of c.exercise.techniques) if (tacticsOf(t).some((x) => weakSet.has(x))) covers.add(t);
    if (covers.size > best) {
      best = covers.size;
      next = { exercise: c.id, title: c.exercise.title, covers: [...covers].sort() };
    }
  }
  const first = weakest[0];
  const practice =
    index && first
      ? [...index.techniques.values()]
          .filter((t) => t.tactics.includes(first) && !acc.has(t.id))
          .sort((a, b) => b.tests - a.tests || a.id.localeCompare(b.id))
          .slice(0, 5)
          .map((t) => ({ id: t.id, name: t.name, tests: t.tests }))
      : [];
  return { trainee, runs: runs.length, techniques, tactics, weakest, ...(next ? { next } : {}), practice };
}
