/**
 * @module
 * The cascade routes of the `api` role (`/api/cascade/…`, the dashboard's dependency views) over
 * the shared PostgreSQL store: graphs in `PgGraphStore` (migration step 17), incident impacts and
 * warnings in `PgCascadeState` (step 25), with the settings of this host's `<data>/cascade.json`,
 * as the embedded node reads them. Import, view, export, delete, what-if, criticality, the IIM and
 * the sector matrix work here as on the node, and several API instances see one set of graphs.
 *
 * What the embedded node does on its bus and federation does not happen in this role, which has
 * neither: incidents announced on `incidents.<tenant>` are not assessed (so `GET
 * /api/cascade/incidents/:id` shows only impacts some node stored in this database), no warnings
 * are sent to threatened organisations, warnings and shared dependencies delivered by peers are
 * not polled, and `POST /api/cascade/graphs/:name/share` answers `UNSUPPORTED`.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '@intersoc/core';
import { registerCascadeRoutes } from '@intersoc/api';
import { CascadeService, PgCascadeState, PgGraphStore } from '@intersoc/cascade';
import type { SyncPg } from '@intersoc/storage/postgres';
import { loadCascadeSettings } from '../node/cascade/attach.js';
import { cascadeApiService } from '../node/cascade/services.js';

/** What the routes are built from. */
export interface ApiCascadeWiring {
  /** The identity stores' bridge: graph and state reads share its connection. */
  readonly pg: SyncPg;
  /** This host's data folder: `cascade.json`. */
  readonly data: string;
}

/** Registers the cascade routes on the api role's server; returns the service (tests). */
export function registerApiCascade(app: FastifyInstance, w: ApiCascadeWiring): CascadeService {
  const service = new CascadeService({
    graphs: new PgGraphStore(w.pg),
    state: new PgCascadeState(w.pg),
    settings: loadCascadeSettings(w.data),
  });
  registerCascadeRoutes(app, {
    cascade: cascadeApiService(service, () => {
      throw new AppError(
        'UNSUPPORTED',
        'sharing dependencies with peers is not served by the api role yet: it needs the federation of a node',
      );
    }),
  });
  return service;
}
