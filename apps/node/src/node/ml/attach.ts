/**
 * @module
 * Adds the model routes (`/api/ml/models...`) to a running node, over the model registry in
 * the node's main database. The parse workers' `ml` detector notices deploys and retirements by
 * the registry's revision, so nothing else needs telling. `mlApiService` takes any registry and
 * event source, so the api role serves the same routes over PostgreSQL (`roles/api-ml.ts`).
 */
import type { FastifyInstance } from 'fastify';
import { registerMlRoutes, type MlApiService } from '@intersoc/api';
import type { SqliteDb, SqliteEventReader } from '@intersoc/storage';
import { modelDrift, type DriftEvents } from './ml-drift.js';
import { retrainModel } from './ml-retrain.js';
import { deployModel, listModels, retireModel, showModel, type ModelRegistry } from './ml-ops.js';

/**
 * The API service over a registry: `events` feeds the drift check, `retrain` is the embedded
 * node's retrain (it reads verdicts from the node's SQLite cases and alert queue).
 */
export function mlApiService(
  models: ModelRegistry,
  events: DriftEvents,
  retrain: MlApiService['retrain'],
): MlApiService {
  return {
    list: (ctx) => Promise.resolve(listModels(ctx, models)),
    show: (ctx, name, version) =>
      Promise.resolve(showModel(ctx, models, name, version) as Awaited<ReturnType<MlApiService['show']>>),
    deploy: (ctx, name, version) => Promise.resolve(deployModel(ctx, models, name, version)),
    retire: (ctx, name, version) => Promise.resolve(retireModel(ctx, models, name, version)),
    drift: (ctx, name, o) => modelDrift(ctx, models, events, name, o),
    retrain,
  };
}

/** Registers the model routes. */
export function attachMl(app: FastifyInstance, db: SqliteDb, reader: SqliteEventReader): void {
  registerMlRoutes(app, {
    ml: mlApiService(db, reader, (ctx, name, o) => retrainModel(ctx, { db, events: reader.db }, { name, ...o })),
  });
}
