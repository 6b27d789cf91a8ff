/**
 * @module
 * The privacy routes of the `api` role (`/api/privacy/…`, as a node registers them) and its
 * privacy view, over the PostgreSQL store: pseudonyms shown, re-identification requests and
 * restrictions in `PgPrivacyStore`, the known personal values drawn from the shared asset
 * inventory (`PgAssetStore`), and cases looked up in the `cases` table, so every API instance
 * pseudonymises, re-identifies and restricts alike. The pseudonymisation keys stay files in this
 * host's data folder (`<data>/privacy/keys/<tenant>.key`, as on a node): every instance must be
 * given the same keys, or the same value shows under different pseudonyms. Keys are never logged.
 *
 * Not served here yet (`UNSUPPORTED`): subject access export (it reads every table of a node
 * database and its event store) and erasure (the PostgreSQL event store cannot rewrite its event
 * blocks, which erasure needs); both still run on a node (`intersoc privacy export|erase`).
 */
import type { FastifyInstance } from 'fastify';
import { registerPrivacyRoutes } from '@intersoc/api';
import { AppError, systemContext, type Config } from '@intersoc/core';
import { PgAssetStore } from '@intersoc/correlate';
import { knownValuesOf, PgPrivacyStore } from '@intersoc/privacy';
import type { SyncPg } from '@intersoc/storage/postgres';
import { NodePrivacy, type PrivacySources } from '../node/privacy-api.js';

/** The privacy sources of the PostgreSQL store. */
export function pgPrivacySources(pg: SyncPg): PrivacySources {
  const store = new PgPrivacyStore(pg);
  const assets = new PgAssetStore(pg);
  return {
    store,
    // The inventory's version counter moves on every write to it, by any process; a new
    // pseudonym adds one to the count.
    version: (tenant) => {
      const [row] = pg.query<{ version: number }>('SELECT version FROM asset_versions WHERE tenant = $1', [tenant]);
      return `${row?.version ?? 0}/${store.shown(tenant).length}`;
    },
    known: (tenant, inventory) => knownValuesOf(assets.list(systemContext(tenant)), store, inventory, tenant),
    hasCase: (tenant, caseId) =>
      pg.query('SELECT 1 FROM cases WHERE tenant = $1 AND (id = $2 OR number::text = $2)', [tenant, caseId]).length > 0,
  };
}

/** The privacy of the api role: build it before `buildApi`, whose `view` is its `responseView()`. */
export function apiPrivacy(config: Config, pg: SyncPg): NodePrivacy {
  return new NodePrivacy(config, pgPrivacySources(pg));
}

/** What the routes are built from. */
export interface ApiPrivacyWiring {
  readonly config: Config;
  readonly pg: SyncPg;
  /** The instance whose view the API applies (`apiPrivacy`); one is made when absent. */
  readonly privacy?: NodePrivacy;
}

/** Registers the privacy routes on the api role's server; returns the privacy used. */
export function registerApiPrivacy(app: FastifyInstance, w: ApiPrivacyWiring): NodePrivacy {
  const privacy = w.privacy ?? apiPrivacy(w.config, w.pg);
  registerPrivacyRoutes(app, {
    privacy: privacy.service(() =>
      Promise.reject(
        new AppError(
          'UNSUPPORTED',
          'erasure is not served by the api role yet: the PostgreSQL event store cannot rewrite its event blocks',
        ),
      ),
    ),
  });
  return privacy;
}
