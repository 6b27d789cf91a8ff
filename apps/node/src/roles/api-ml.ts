/**
 * @module
 * The model routes of the `api` role (`/api/ml/models…`) over the PostgreSQL model registry
 * (`PgModelStore`, migration step 12): list, show, deploy and retire, the same service the
 * embedded node serves (`node/ml/attach.ts`). A deploy or retirement bumps the registry's
 * revision, and every detect worker reading that store reloads its models within seconds
 * (`pipeline/ml-factory.ts`), so nothing else needs telling.
 *
 * Drift reads the live events from the PostgreSQL event store, as the node reads its own. Retrain
 * is refused (`UNSUPPORTED`): it reads the analysts' verdicts from the node's SQLite cases and
 * alert queue, and trains for minutes on the serving process's threads, neither of which this
 * role has or should spend.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '@intersoc/core';
import { registerMlRoutes } from '@intersoc/api';
import { PgModelStore } from '@intersoc/learn';
import type { PgEventStore, SyncPg } from '@intersoc/storage/postgres';
import { mlApiService } from '../node/ml/attach.js';

/** What the routes are built from. */
export interface ApiMlWiring {
  /** The identity stores' bridge: the registry shares its connection. */
  readonly pg: SyncPg;
  /** The events a drift check reads. */
  readonly events: Pick<PgEventStore, 'searchEvents'>;
}

/** Registers the model routes on the api role's server. */
export function registerApiMl(app: FastifyInstance, w: ApiMlWiring): void {
  registerMlRoutes(app, {
    ml: mlApiService(new PgModelStore(w.pg), w.events, () =>
      Promise.reject(
        new AppError('UNSUPPORTED', 'retraining a model is not served by the api role yet: run `intersoc ml retrain`'),
      ),
    ),
  });
}
