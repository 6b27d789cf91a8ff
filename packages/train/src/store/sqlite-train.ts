/**
 * @module
 * SQLite store of exercises, runs and every trainee action, in the node's main database.
 * Exercises and runs belong to the instructor's (home) tenant; a run also names the training
 * tenant created for it and its trainee. Actions are append-only: a run's score is always a
 * fold over them (`scoring/fold.ts`), never a stored number. `PgTrainStore` is the same store on
 * PostgreSQL (`train-store.ts` holds what both share).
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { Exercise } from '../exercise/schema.js';
import type { RunAction } from '../scoring/fold.js';
import {
  exerciseOf,
  runOf,
  type ExerciseRow,
  type RunRow,
  type StoredExercise,
  type StoredRun,
  type TrainStore,
} from './train-store.js';

export type { RunState, StoredExercise, StoredRun } from './train-store.js';

const STEPS = [
  `CREATE TABLE train_exercises (
     tenant TEXT NOT NULL,
     id TEXT NOT NULL,
     title TEXT NOT NULL,
     created INTEGER NOT NULL,
     author TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, id)
   ) WITHOUT ROWID;
   CREATE TABLE train_runs (
     id TEXT PRIMARY KEY,
     tenant TEXT NOT NULL,
     exercise TEXT NOT NULL,
     trainee TEXT NOT NULL,
     training_tenant TEXT NOT NULL UNIQUE,
     started INTEGER NOT NULL,
     finished INTEGER,
     state TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX train_runs_by_tenant ON train_runs (tenant, started);
   CREATE TABLE train_actions (
     run TEXT NOT NULL,
     seq INTEGER NOT NULL,
     time INTEGER NOT NULL,
     level TEXT NOT NULL,
     kind TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (run, seq)
   ) WITHOUT ROWID;`,
];

/** The training store. Exercise calls act within `ctx.tenant`; run look-ups are by id and checked by the caller. */
export class SqliteTrainStore implements TrainStore {
  constructor(private readonly db: SqliteDb) {
    migrate(db, 'train', STEPS);
  }

  /** Stores an exercise of the caller's tenant. */
  putExercise(ctx: AuthContext, id: string, exercise: Exercise, now = Date.now()): StoredExercise {
    this.db
      .prepare('INSERT INTO train_exercises (tenant, id, title, created, author, doc) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ctx.tenant, id, exercise.title, now, ctx.user, JSON.stringify(exercise));
    return { id, tenant: ctx.tenant, title: exercise.title, created: now, author: ctx.user, exercise };
  }

  /** One exercise of the caller's tenant. */
  exercise(ctx: AuthContext, id: string): StoredExercise | undefined {
    const r = this.db
      .prepare('SELECT id, tenant, title, created, author, doc FROM train_exercises WHERE tenant = ? AND id = ?')
      .get(ctx.tenant, id) as ExerciseRow | undefined;
    return r && exerciseOf(r);
  }

  /** The exercises of the caller's tenant, newest first (without their documents' levels read). */
  exercises(ctx: AuthContext): StoredExercise[] {
    const rows = this.db
      .prepare(
        'SELECT id, tenant, title, created, author, doc FROM train_exercises WHERE tenant = ? ORDER BY created DESC, id',
      )
      .all(ctx.tenant) as ExerciseRow[];
    return rows.map(exerciseOf);
  }

  /** Stores a new run. */
  putRun(run: StoredRun): void {
    this.db
      .prepare(
        'INSERT INTO train_runs (id, tenant, exercise, trainee, training_tenant, started, finished, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        run.id,
        run.tenant,
        run.exercise,
        run.trainee,
        run.trainingTenant,
        run.started,
        run.finished,
        JSON.stringify(run.state),
      );
  }

  /** A run by id, whoever owns it (callers check access). */
  run(id: string): StoredRun | undefined {
    const r = this.db.prepare('SELECT * FROM train_runs WHERE id = ?').get(id) as RunRow | undefined;
    return r && runOf(r);
  }

  /** The runs of a home tenant, newest first. */
  runs(ctx: AuthContext): StoredRun[] {
    const rows = this.db
      .prepare('SELECT * FROM train_runs WHERE tenant = ? ORDER BY started DESC, id')
      .all(ctx.tenant) as RunRow[];
    return rows.map(runOf);
  }

  /** The runs played in a training tenant (one, by construction). */
  runsIn(trainingTenant: string): StoredRun[] {
    const rows = this.db.prepare('SELECT * FROM train_runs WHERE training_tenant = ?').all(trainingTenant) as RunRow[];
    return rows.map(runOf);
  }

  /** Marks a run finished. */
  finish(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE train_runs SET finished = ? WHERE id = ? AND finished IS NULL').run(now, id);
  }

  /** Appends actions to a run, in order, in one transaction. */
  append(run: string, actions: readonly RunAction[]): void {
    const next = this.db.prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM train_actions WHERE run = ?');
    const put = this.db.prepare(
      'INSERT INTO train_actions (run, seq, time, level, kind, doc) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      let seq = (next.get(run) as { n: number }).n;
      for (const a of actions) put.run(run, seq++, a.time, a.level, a.kind, JSON.stringify(a));
    })();
  }

  /** Every action of a run, in the order it happened. */
  actions(run: string): RunAction[] {
    const rows = this.db.prepare('SELECT doc FROM train_actions WHERE run = ? ORDER BY seq').all(run) as {
      doc: string;
    }[];
    return rows.map((r) => JSON.parse(r.doc) as RunAction);
  }

  /** A run the caller may act on; NOT_FOUND otherwise (no hint that it exists elsewhere). */
  runFor(id: string, allowed: (run: StoredRun) => boolean): StoredRun {
    const r = this.run(id);
    if (!r || !allowed(r)) throw new AppError('NOT_FOUND', `no training run ${id}`);
    return r;
  }
}
