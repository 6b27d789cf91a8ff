/**
 * @module
 * The training store on PostgreSQL (migration step `20-train`), over the synchronous bridge, so
 * callers use it exactly as `SqliteTrainStore`. Same statements in `$n` placeholders, same row
 * mappers (`train-store.ts`). Where SQLite numbered a run's actions with `MAX(seq) + 1` under its
 * one writer, `append` first takes a transaction-level advisory lock on the run, so two processes
 * appending to one run queue behind each other instead of both taking the same number.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
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

/** Serialises appends to one run across processes (held until the transaction ends). */
const RUN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('intersoc.train-actions'), hashtext($1))";

/** The training store in PostgreSQL. Exercise calls act within `ctx.tenant`; run look-ups are by id and checked by the caller. */
export class PgTrainStore implements TrainStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  putExercise(ctx: AuthContext, id: string, exercise: Exercise, now = Date.now()): StoredExercise {
    this.#pg.run(
      'INSERT INTO train_exercises (tenant, id, title, created, author, doc) VALUES ($1, $2, $3, $4, $5, $6)',
      [ctx.tenant, id, exercise.title, now, ctx.user, JSON.stringify(exercise)],
    );
    return { id, tenant: ctx.tenant, title: exercise.title, created: now, author: ctx.user, exercise };
  }

  exercise(ctx: AuthContext, id: string): StoredExercise | undefined {
    const [r] = this.#pg.query<ExerciseRow>(
      'SELECT id, tenant, title, created, author, doc FROM train_exercises WHERE tenant = $1 AND id = $2',
      [ctx.tenant, id],
    );
    return r && exerciseOf(r);
  }

  exercises(ctx: AuthContext): StoredExercise[] {
    return this.#pg
      .query<ExerciseRow>(
        'SELECT id, tenant, title, created, author, doc FROM train_exercises WHERE tenant = $1 ORDER BY created DESC, id',
        [ctx.tenant],
      )
      .map(exerciseOf);
  }

  putRun(run: StoredRun): void {
    this.#pg.run(
      'INSERT INTO train_runs (id, tenant, exercise, trainee, training_tenant, started, finished, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        run.id,
        run.tenant,
        run.exercise,
        run.trainee,
        run.trainingTenant,
        run.started,
        run.finished,
        JSON.stringify(run.state),
      ],
    );
  }

  run(id: string): StoredRun | undefined {
    const [r] = this.#pg.query<RunRow>('SELECT * FROM train_runs WHERE id = $1', [id]);
    return r && runOf(r);
  }

  runs(ctx: AuthContext): StoredRun[] {
    return this.#pg
      .query<RunRow>('SELECT * FROM train_runs WHERE tenant = $1 ORDER BY started DESC, id', [ctx.tenant])
      .map(runOf);
  }

  runsIn(trainingTenant: string): StoredRun[] {
    return this.#pg.query<RunRow>('SELECT * FROM train_runs WHERE training_tenant = $1', [trainingTenant]).map(runOf);
  }

  finish(id: string, now = Date.now()): void {
    this.#pg.run('UPDATE train_runs SET finished = $1 WHERE id = $2 AND finished IS NULL', [now, id]);
  }

  /**
   * One round trip inside the transaction: the run's lock, then each insert numbered after the
   * run's last action (a statement sees the rows the ones before it inserted).
   */
  append(run: string, actions: readonly RunAction[]): void {
    if (actions.length === 0) return;
    const statements: Statement[] = [{ text: RUN_LOCK, params: [run] }];
    for (const a of actions)
      statements.push({
        text: `INSERT INTO train_actions (run, seq, time, level, kind, doc)
                 VALUES ($1, (SELECT COALESCE(MAX(seq), -1) + 1 FROM train_actions WHERE run = $1), $2, $3, $4, $5)`,
        params: [run, a.time, a.level, a.kind, JSON.stringify(a)],
      });
    this.#pg.transaction(() => this.#pg.batch(statements));
  }

  actions(run: string): RunAction[] {
    return this.#pg
      .query<{ doc: string }>('SELECT doc FROM train_actions WHERE run = $1 ORDER BY seq', [run])
      .map((r) => JSON.parse(r.doc) as RunAction);
  }

  runFor(id: string, allowed: (run: StoredRun) => boolean): StoredRun {
    const r = this.run(id);
    if (!r || !allowed(r)) throw new AppError('NOT_FOUND', `no training run ${id}`);
    return r;
  }
}
