/**
 * @module
 * Scoring, KYPO's way. A run is an append-only list of actions (levels opened, answers, hints,
 * solutions shown); its state and its report are a fold over that list, so the record of what
 * the trainee did is the only truth and a report can be recomputed at any time.
 *
 * The policy, as the KYPO training service applies it (`TrainingRunService`):
 * - a level scores `max_score - penalty` when it is answered right, nothing before;
 * - each hint taken adds its `hint_penalty` to the penalty;
 * - showing the solution of a level whose `solution_penalized` is true sets the penalty to
 *   `max_score`: the level scores 0 (KYPO sets, not adds, so hints taken before do not matter);
 * - wrong answers cost nothing; they are counted up to `incorrect_answer_limit`, and when the
 *   count reaches it the solution is shown (KYPO: "attempts before the solution is displayed"),
 *   with the penalty that showing it carries.
 * One deliberate difference: a level never scores below 0 (KYPO subtracts without a floor, which
 * only shows when hint penalties add up to more than the level is worth).
 */
import type { PlacedLevel } from '../exercise/levels.js';
import { isScored, maxOf } from '../exercise/levels.js';

/** One thing a trainee did, as recorded. */
export type RunAction =
  | { readonly kind: 'open'; readonly level: string; readonly time: number }
  | {
      readonly kind: 'answer';
      readonly level: string;
      readonly time: number;
      readonly answer: string;
      readonly correct: boolean;
    }
  | {
      readonly kind: 'hint';
      readonly level: string;
      readonly time: number;
      readonly hint: number;
      readonly penalty: number;
    }
  | {
      readonly kind: 'solution';
      readonly level: string;
      readonly time: number;
      readonly penalized: boolean;
      /** Shown because the wrong answers reached the level's limit. */
      readonly auto: boolean;
    };

/** Where one level stands. */
export interface LevelState {
  readonly id: string;
  opened?: number;
  last?: number;
  hints: number;
  hintPenalty: number;
  solutionShown: boolean;
  solutionPenalized: boolean;
  /** Every answer submitted, right or wrong. */
  attempts: number;
  /** Wrong answers, counted up to the level's limit. */
  wrong: number;
  solved: boolean;
  solvedAt?: number;
  score: number;
}

/** The report of a run (the `training report --json` contract, with a few more fields per level). */
export interface RunReport {
  readonly score: number;
  readonly max: number;
  readonly levels: readonly LevelReport[];
}

/** One level in a report. */
export interface LevelReport {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly score: number;
  /** 0 for levels without a score. */
  readonly max: number;
  readonly hints: number;
  readonly attempts: number;
  readonly wrong: number;
  readonly solved: boolean;
  readonly solution_shown: boolean;
  /** From the first time the level was opened (or acted on) to its answer, or to the last action. */
  readonly seconds: number | null;
}

/** The penalty a level carries now. */
export function penaltyOf(level: PlacedLevel, s: LevelState): number {
  return s.solutionShown && s.solutionPenalized ? maxOf(level) : s.hintPenalty;
}

function fresh(id: string): LevelState {
  return {
    id,
    hints: 0,
    hintPenalty: 0,
    solutionShown: false,
    solutionPenalized: false,
    attempts: 0,
    wrong: 0,
    solved: false,
    score: 0,
  };
}

/** Folds a run's actions into the state of each level. */
export function foldRun(levels: readonly PlacedLevel[], actions: readonly RunAction[]): Map<string, LevelState> {
  const states = new Map(levels.map((l) => [l.id, fresh(l.id)]));
  const byId = new Map(levels.map((l) => [l.id, l]));
  for (const a of actions) {
    const s = states.get(a.level);
    const level = byId.get(a.level);
    if (!s || !level) continue;
    s.opened ??= a.time;
    s.last = a.time;
    switch (a.kind) {
      case 'open':
        break;
      case 'hint':
        s.hints += 1;
        s.hintPenalty += a.penalty;
        break;
      case 'solution':
        s.solutionShown = true;
        s.solutionPenalized ||= a.penalized;
        break;
      case 'answer':
        s.attempts += 1;
        if (s.solved) break;
        if (a.correct) {
          s.solved = true;
          s.solvedAt = a.time;
          s.score = isScored(level) ? Math.max(0, level.max_score - penaltyOf(level, s)) : 0;
        } else if (isScored(level)) {
          s.wrong = Math.min(level.incorrect_answer_limit, s.wrong + 1);
        }
        break;
    }
  }
  return states;
}

/** The report of a run. */
export function reportOf(levels: readonly PlacedLevel[], actions: readonly RunAction[]): RunReport {
  const states = foldRun(levels, actions);
  const out = levels.map((l): LevelReport => {
    const s = states.get(l.id) ?? fresh(l.id);
    const end = s.solvedAt ?? s.last;
    return {
      id: l.id,
      title: l.title,
      type: l.type,
      score: s.score,
      max: maxOf(l),
      hints: s.hints,
      attempts: s.attempts,
      wrong: s.wrong,
      solved: s.solved,
      solution_shown: s.solutionShown,
      seconds: s.opened === undefined || end === undefined ? null : Math.round((end - s.opened) / 1000),
    };
  });
  return {
    score: out.reduce((n, l) => n + l.score, 0),
    max: out.reduce((n, l) => n + l.max, 0),
    levels: out,
  };
}
