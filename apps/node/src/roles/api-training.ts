/**
 * @module
 * The training routes of the `api` role (`/api/training/…`, as `attachTraining` registers them on
 * a node) over the PostgreSQL training store (`PgTrainStore`) and the role's PostgreSQL identity
 * stores, so every API instance serves the same exercises, runs and scores.
 *
 * Two things a node does are not served here yet, and are refused with `UNSUPPORTED` before
 * anything is written: starting a run of an exercise with a scenario (the scenario is replayed
 * into the training tenant through a node's pipeline, which this role does not run), and answering
 * hands-on levels (tasks, alert marks), which are checked against the training tenant's cases,
 * playbook runs and events through a node's training range. An unchecked answer would be recorded
 * as wrong and could cost the trainee the level, so it is refused instead. The answer key of such
 * levels lists no alerts to mark (the range is what reads them).
 *
 * The trainee's view of a training tenant hides the scenario's ground truth; `apiTruthView` gives
 * that view over `PgTrainStore` for `buildApi` to apply.
 */
import type { FastifyInstance } from 'fastify';
import { registerTrainingRoutes, type ResponseView } from '@intersoc/api';
import { AppError, requireRole, systemContext, type AuthContext } from '@intersoc/core';
import type { AuthStores } from '@intersoc/storage';
import type { SyncPg } from '@intersoc/storage/postgres';
import {
  findLevel,
  INSTRUCTOR_ROLES,
  PgTrainStore,
  progressCsv,
  progressJson,
  readExercise,
  TrainingService,
  type AnswerResult,
  type StartedRun,
  type TrainingDeps,
  type TrainStore,
} from '@intersoc/train';
import { atomicIndexOf } from '../node/training/attach.js';
import { truthHiddenBy } from '../node/training/truth-view.js';

/** What the routes are built from. */
export interface ApiTrainingWiring {
  /** The identity stores' bridge: the training tables are in the same database. */
  readonly pg: SyncPg;
  /** Training tenants and trainee accounts are created here; `access` mints tokens here. */
  readonly stores: Pick<AuthStores, 'tenants' | 'users' | 'tokens'>;
  /** This host's data folder: `training/atomic-index.csv` there names techniques on competence maps. */
  readonly data: string;
}

/** The training service of the api role: a node's, minus what needs the node's pipeline or range. */
class ApiTrainingService extends TrainingService {
  readonly #store: TrainStore;

  constructor(deps: TrainingDeps) {
    super(deps);
    this.#store = deps.store;
  }

  override async start(ctx: AuthContext, exerciseId: string, trainee: string): Promise<StartedRun> {
    requireRole(ctx, INSTRUCTOR_ROLES);
    // Refused before the training tenant is created, so nothing is left half made.
    if (this.#store.exercise(ctx, exerciseId)?.exercise.scenario !== undefined)
      throw new AppError(
        'UNSUPPORTED',
        "starting a run of an exercise with a scenario is not served by the api role yet: the scenario is replayed through a node's pipeline",
      );
    return super.start(ctx, exerciseId, trainee);
  }

  override async answer(ctx: AuthContext, runId: string, levelRef: string, answer: string): Promise<AnswerResult> {
    // The report checks that the caller may act on the run (NOT_FOUND otherwise), before the key is looked at.
    this.report(ctx, runId);
    const run = this.#store.run(runId);
    const stored = run && this.#store.exercise(systemContext(run.tenant), run.exercise);
    if (run && stored) {
      const level = findLevel(readExercise(stored.exercise), levelRef);
      const kind = run.state.keys[level.id]?.kind;
      if (kind === 'task' || kind === 'alerts')
        throw new AppError(
          'UNSUPPORTED',
          `level ${level.id} is hands-on: it is checked against the training tenant by a node, not by the api role yet`,
        );
    }
    return super.answer(ctx, runId, levelRef, answer);
  }
}

/** Registers the training routes on the api role's server; returns the service. */
export function registerApiTraining(app: FastifyInstance, w: ApiTrainingWiring): TrainingService {
  const service = new ApiTrainingService({
    store: new PgTrainStore(w.pg),
    tenants: w.stores.tenants,
    users: w.stores.users,
    tokens: w.stores.tokens,
    atomic: atomicIndexOf(w.data),
  });
  registerTrainingRoutes(app, { training: service, formats: { csv: progressCsv, json: progressJson } });
  return service;
}

/** `view` (the privacy view), then the ground truth hidden from trainees in the training tenants of the store. */
export function apiTruthView(view: ResponseView, pg: SyncPg): ResponseView {
  return truthHiddenBy(view, new PgTrainStore(pg));
}
