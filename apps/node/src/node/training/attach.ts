/**
 * @module
 * Adds training to a running node: the training store in the main database, the service over
 * the node's tenants and users, scenarios replayed through the node's pipeline, hands-on levels
 * checked against the node's cases, playbook runs and Sigma engine, and the API routes.
 */
import type { FastifyInstance } from 'fastify';
import { registerTrainingRoutes } from '@intersoc/api';
import type { AuthStores, SqliteDb } from '@intersoc/storage';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  loadAtomicIndex,
  progressCsv,
  progressJson,
  SqliteTrainStore,
  TrainingService,
  type AtomicIndex,
} from '@intersoc/train';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { nodeRange, type RangeWiring } from './range.js';
import { pipelineReplay } from './replay.js';

/** What training needs from the node. */
export interface TrainingWiring {
  /** The node's main database. */
  readonly db: SqliteDb;
  readonly stores: AuthStores;
  readonly pipeline: Pipeline;
  /** The node's data folder: `training/atomic-index.csv` there names techniques on competence maps. */
  readonly data?: string;
  /** The services hands-on levels and alert marks are checked against (none: those levels cannot be checked). */
  readonly range?: RangeWiring;
}

/** The Atomic Red Team index a node reads, if it has one (read once, on first use). */
export function atomicIndexOf(data: string | undefined): () => AtomicIndex | undefined {
  let index: AtomicIndex | undefined;
  let tried = false;
  return () => {
    if (!tried && data !== undefined) {
      tried = true;
      const file = path.join(data, 'training', 'atomic-index.csv');
      if (existsSync(file)) index = loadAtomicIndex(file);
    }
    return index;
  };
}

/** Builds the training service and registers its routes. */
export function attachTraining(app: FastifyInstance, w: TrainingWiring): TrainingService {
  const service = new TrainingService({
    store: new SqliteTrainStore(w.db),
    tenants: w.stores.tenants,
    users: w.stores.users,
    tokens: w.stores.tokens,
    ...(w.range ? { range: nodeRange(w.range) } : {}),
    replay: pipelineReplay(w.pipeline),
    atomic: atomicIndexOf(w.data),
  });
  registerTrainingRoutes(app, { training: service, formats: { csv: progressCsv, json: progressJson } });
  return service;
}
