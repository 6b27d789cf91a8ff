/**
 * @module
 * What the training store keeps and how it is used, shared by both stores (`SqliteTrainStore` on
 * SQLite, `PgTrainStore` on PostgreSQL): the stored exercise and run, the `TrainStore` interface,
 * and the row → object mappers, so both stores read rows the same way.
 */
import type { AuthContext } from '@intersoc/core';
import type { LevelKey } from '../answers/check.js';
import type { Exercise } from '../exercise/schema.js';
import type { ScenarioTruth } from '../scenario/replay.js';
import type { RunAction } from '../scoring/fold.js';

/** An exercise as stored. */
export interface StoredExercise {
  readonly id: string;
  readonly tenant: string;
  readonly title: string;
  readonly created: number;
  readonly author: string;
  readonly exercise: Exercise;
}

/** What a run keeps besides its actions: the keys, names and truth drawn for its trainee. */
export interface RunState {
  /** Level id → what its answers are checked against, in the trainee's names. */
  readonly keys: Readonly<Record<string, LevelKey>>;
  /** Original name (lower case) → the trainee's name. */
  readonly names: Readonly<Record<string, string>>;
  readonly truth?: ScenarioTruth;
  /** Per-run values of variant answers. */
  readonly variables: Readonly<Record<string, string>>;
  /** Records replayed into the training tenant. */
  readonly replayed: number;
}

/** A run as stored. */
export interface StoredRun {
  readonly id: string;
  /** The instructor's tenant, which owns the exercise. */
  readonly tenant: string;
  readonly exercise: string;
  readonly trainee: string;
  readonly trainingTenant: string;
  readonly started: number;
  readonly finished: number | null;
  readonly state: RunState;
}

/**
 * The training store's operations. Exercise calls act within `ctx.tenant`; run look-ups are by id
 * and checked by the caller (`runFor`). Actions are append-only: a run's score is always a fold
 * over them (`scoring/fold.ts`), never a stored number.
 */
export interface TrainStore {
  /** Stores an exercise of the caller's tenant. */
  putExercise(ctx: AuthContext, id: string, exercise: Exercise, now?: number): StoredExercise;
  /** One exercise of the caller's tenant. */
  exercise(ctx: AuthContext, id: string): StoredExercise | undefined;
  /** The exercises of the caller's tenant, newest first. */
  exercises(ctx: AuthContext): StoredExercise[];
  /** Stores a new run. */
  putRun(run: StoredRun): void;
  /** A run by id, whoever owns it (callers check access). */
  run(id: string): StoredRun | undefined;
  /** The runs of a home tenant, newest first. */
  runs(ctx: AuthContext): StoredRun[];
  /** The runs played in a training tenant (one, by construction). */
  runsIn(trainingTenant: string): StoredRun[];
  /** Marks a run finished (the first time only). */
  finish(id: string, now?: number): void;
  /** Appends actions to a run, in order, atomically, after every action appended before. */
  append(run: string, actions: readonly RunAction[]): void;
  /** Every action of a run, in the order it happened. */
  actions(run: string): RunAction[];
  /** A run the caller may act on; NOT_FOUND otherwise (no hint that it exists elsewhere). */
  runFor(id: string, allowed: (run: StoredRun) => boolean): StoredRun;
}

/** A `train_exercises` row, as both stores read it. */
export interface ExerciseRow {
  id: string;
  tenant: string;
  title: string;
  created: number;
  author: string;
  doc: string;
}

/** A `train_runs` row, as both stores read it. */
export interface RunRow {
  id: string;
  tenant: string;
  exercise: string;
  trainee: string;
  training_tenant: string;
  started: number;
  finished: number | null;
  state: string;
}

/** A row as a stored exercise. */
export const exerciseOf = (r: ExerciseRow): StoredExercise => ({
  id: r.id,
  tenant: r.tenant,
  title: r.title,
  created: r.created,
  author: r.author,
  exercise: JSON.parse(r.doc) as Exercise,
});

/** A row as a stored run. */
export const runOf = (r: RunRow): StoredRun => ({
  id: r.id,
  tenant: r.tenant,
  exercise: r.exercise,
  trainee: r.trainee,
  trainingTenant: r.training_tenant,
  started: r.started,
  finished: r.finished,
  state: JSON.parse(r.state) as RunState,
});
