/**
 * @module
 * Reading an exercise document: validation (schema plus the rules a schema cannot say), level
 * ids, and the few facts about levels every other module asks for.
 */
import { AppError } from '@intersoc/core';
import { ExerciseSchema, type Exercise, type Level, type ScoredLevel } from './schema.js';

/** A level with its resolved id and position. */
export type PlacedLevel = Level & { readonly id: string; readonly index: number };

/** An exercise whose levels all carry their ids. */
export interface ReadyExercise extends Omit<Exercise, 'levels'> {
  readonly levels: readonly PlacedLevel[];
}

/** True for levels with a score policy (questions, choices, find-it and hands-on tasks). */
export function isScored(level: Level): level is ScoredLevel {
  return 'max_score' in level;
}

/** The most a level can score (0 for information and access levels). */
export function maxOf(level: Level): number {
  return isScored(level) ? level.max_score : 0;
}

/** Levels that need the scenario's ground truth. */
function needsTruth(level: Level): boolean {
  return level.type === 'find' || (level.type === 'question' && level.answer_from !== undefined);
}

/**
 * Validates an exercise document and gives every level its id (its position, 1-based, unless
 * it names one). VALIDATION with the first problem's path otherwise.
 */
export function readExercise(input: unknown): ReadyExercise {
  const r = ExerciseSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'exercise';
    throw new AppError('VALIDATION', `${where}: ${issue?.message ?? 'invalid exercise'}`);
  }
  const ex = r.data;
  const seen = new Set<string>();
  const levels = ex.levels.map((l, index) => {
    const id = l.id ?? String(index + 1);
    if (seen.has(id)) throw new AppError('VALIDATION', `levels.${index}.id: "${id}" is used twice`);
    seen.add(id);
    if (needsTruth(l) && ex.scenario === undefined) {
      throw new AppError('VALIDATION', `levels.${index}: "${l.title}" needs a scenario with ground truth`);
    }
    return { ...l, id, index } as PlacedLevel;
  });
  return { ...ex, levels };
}

/**
 * The level a caller names: its id, or else its position (1-based). NOT_FOUND otherwise.
 */
export function findLevel(ex: ReadyExercise, ref: string): PlacedLevel {
  const byId = ex.levels.find((l) => l.id === ref);
  if (byId) return byId;
  if (/^\d{1,4}$/.test(ref)) {
    const at = ex.levels[Number(ref) - 1];
    if (at) return at;
  }
  throw new AppError('NOT_FOUND', `no level ${ref} in this exercise`);
}

/** Every ATT&CK technique the exercise covers: its own list and its levels'. */
export function techniquesOf(ex: ReadyExercise): string[] {
  const out = new Set(ex.techniques);
  for (const l of ex.levels) if (isScored(l)) for (const t of l.techniques) out.add(t);
  if (ex.scenario?.kind === 'records') for (const t of ex.scenario.truth.techniques) out.add(t);
  return [...out].sort();
}
