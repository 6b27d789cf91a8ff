/**
 * @module
 * The `ml` detector kind: each tenant's deployed models from the model registry
 * (`intersoc ml deploy`, `POST /api/ml/models/:name/deploy`). The detector reads the registry's
 * revision every few seconds and reloads the models when it changed, so deploying or retiring
 * reaches the parse threads of a running node without a restart.
 *
 * Embedded, the registry is the node's main database; until its tables exist (no model was ever
 * trained) the detector has nothing to run and reads nothing else. Scaled out (`storeUrl`, a
 * PostgreSQL store), every detect worker reads the one registry in that store (`PgModelStore`,
 * migration step 12), so a model deployed through any api instance reaches every worker by the
 * same revision check.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { systemContext, type Detector } from '@intersoc/core';
import { MlDetector, type DeployedModel, type ModelSource } from '@intersoc/detect';
import { PgModelStore, SqliteModelStore, type ModelStore } from '@intersoc/learn';
import { NODE_DB_FILE, openDatabase, type SqliteDb } from '@intersoc/storage';
import type { SyncPg } from '@intersoc/storage/postgres';
import type { DetectorSpec } from './detector-spec.js';

/** Where the `ml` kind finds the registry when the node runs scaled out. */
export interface MlRegistrySpec {
  /** The shared PostgreSQL store (`--store postgres://…`); absent: `<dataDir>/node.db`. */
  readonly storeUrl?: string;
}

function hasRegistry(db: SqliteDb): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ml_revisions'").get() !== undefined;
}

/** The detector's view of a registry; `open` answers undefined while there is none yet. */
export function storeSource(open: () => ModelStore | undefined): ModelSource {
  return {
    revision: () => open()?.revision() ?? 0,
    deployed: (tenant): DeployedModel[] =>
      (open()?.deployed(systemContext(tenant)) ?? []).map((m) => ({ name: m.name, version: m.version, doc: m.doc })),
  };
}

/** A read side of the SQLite registry that opens the store only once its tables exist. */
export function registrySource(db: SqliteDb): ModelSource {
  let store: SqliteModelStore | undefined;
  return storeSource(() => {
    if (!store && hasRegistry(db)) store = new SqliteModelStore(db);
    return store;
  });
}

/**
 * The read side of the PostgreSQL registry (its tables come with `migratePg`). The detector keeps
 * a tenant without models when its read fails, until the revision moves; a store outage is not
 * a deploy, so each failed read shifts the revision this source reports (by 2^32, far above any
 * real count of deploys) and the tenant is read again once the store answers.
 */
export function pgRegistrySource(pg: SyncPg): ModelSource {
  const registry = new PgModelStore(pg);
  const store = storeSource(() => registry);
  let failed = 0;
  return {
    revision: () => store.revision() + failed * 2 ** 32,
    deployed: (tenant) => {
      try {
        return store.deployed(tenant);
      } catch (err) {
        failed++;
        throw err;
      }
    },
  };
}

/** Detector with a `close` that also closes its connection. */
class ClosingMlDetector extends MlDetector {
  constructor(
    source: ModelSource,
    private readonly closeConnection: () => void | Promise<void>,
  ) {
    super(source);
  }

  close(): void | Promise<void> {
    return this.closeConnection();
  }
}

/** The factory behind the `ml` kind. */
export async function mlDetectors(spec: DetectorSpec & MlRegistrySpec): Promise<Detector[]> {
  const url = spec.storeUrl;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    // Loaded only here: an embedded node's parse threads never load the PostgreSQL driver.
    const { openSyncPg } = await import('@intersoc/storage/postgres');
    const pg = openSyncPg(url);
    return [new ClosingMlDetector(pgRegistrySource(pg), () => pg.close())];
  }
  const file = path.join(spec.dataDir, NODE_DB_FILE);
  if (!existsSync(file)) return [];
  const db = openDatabase(file);
  return [
    new ClosingMlDetector(registrySource(db), () => {
      db.close();
    }),
  ];
}
