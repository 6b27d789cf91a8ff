/**
 * @module
 * Adds training to a running node: the training store in the main database, the service over
 * the node's tenants and users, scenarios replayed through the node's pipeline, and the API routes.
 */
import type { FastifyInstance } from 'fastify';
import { registerTrainingRoutes } from '@intersoc/api';
import type { AuthStores, SqliteDb } from '@intersoc/storage';
import { SqliteTrainStore, TrainingService } from '@intersoc/train';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { pipelineReplay } from './replay.js';

/** What training needs from the node. */
export interface TrainingWiring {
  /** The node's main database. */
  readonly db: SqliteDb;
  readonly stores: AuthStores;
  readonly pipeline: Pipeline;
}

/** Builds the training service and registers its routes. */
export function attachTraining(app: FastifyInstance, w: TrainingWiring): TrainingService {
  const service = new TrainingService({
    store: new SqliteTrainStore(w.db),
    tenants: w.stores.tenants,
    users: w.stores.users,
    replay: pipelineReplay(w.pipeline),
  });
  registerTrainingRoutes(app, { training: service });
  return service;
}
