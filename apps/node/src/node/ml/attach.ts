/**
 * @module
 * Adds the model routes (`/api/ml/models...`) to a running node, over the model registry in
 * the node's main database. The parse workers' `ml` detector notices deploys and retirements by
 * the registry's revision, so nothing else needs telling.
 */
import type { FastifyInstance } from 'fastify';
import { registerMlRoutes, type MlApiService } from '@intersoc/api';
import type { SqliteDb, SqliteEventReader } from '@intersoc/storage';
import { modelDrift } from './ml-drift.js';
import { retrainModel } from './ml-retrain.js';
import { deployModel, listModels, retireModel, showModel } from './ml-ops.js';

/** The API service over the registry. */
export function mlApiService(db: SqliteDb, reader: SqliteEventReader): MlApiService {
  return {
    list: (ctx) => Promise.resolve(listModels(ctx, db)),
    show: (ctx, name, version) =>
      Promise.resolve(showModel(ctx, db, name, version) as Awaited<ReturnType<MlApiService['show']>>),
    deploy: (ctx, name, version) => Promise.resolve(deployModel(ctx, db, name, version)),
    retire: (ctx, name, version) => Promise.resolve(retireModel(ctx, db, name, version)),
    drift: (ctx, name, o) => modelDrift(ctx, db, reader, name, o),
    retrain: (ctx, name, o) => retrainModel(ctx, { db, events: reader.db }, { name, ...o }),
  };
}

/** Registers the model routes. */
export function attachMl(app: FastifyInstance, db: SqliteDb, reader: SqliteEventReader): void {
  registerMlRoutes(app, { ml: mlApiService(db, reader) });
}
