/**
 * @module
 * The `ml` detector kind: each tenant's deployed models from the registry in the node's main
 * database (`intersoc ml deploy`, `POST /api/ml/models/:name/deploy`). The detector reads the
 * registry's revision every few seconds and reloads the models when it changed, so deploying or
 * retiring reaches the parse threads of a running node without a restart. Until the registry's
 * tables exist (no model was ever trained) it has nothing to run and reads nothing else.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { systemContext, type Detector } from '@intersoc/core';
import { MlDetector, type DeployedModel, type ModelSource } from '@intersoc/detect';
import { SqliteModelStore } from '@intersoc/learn';
import { NODE_DB_FILE, openDatabase, type SqliteDb } from '@intersoc/storage';
import type { DetectorSpec } from './detector-spec.js';

function hasRegistry(db: SqliteDb): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ml_revisions'").get() !== undefined;
}

/** A read side of the registry that opens the store only once its tables exist. */
export function registrySource(db: SqliteDb): ModelSource {
  let store: SqliteModelStore | undefined;
  const open = (): SqliteModelStore | undefined => {
    if (!store && hasRegistry(db)) store = new SqliteModelStore(db);
    return store;
  };
  return {
    revision: () => open()?.revision() ?? 0,
    deployed: (tenant): DeployedModel[] =>
      (open()?.deployed(systemContext(tenant)) ?? []).map((m) => ({ name: m.name, version: m.version, doc: m.doc })),
  };
}

/** Detector with a `close` that also closes its database connection. */
class ClosingMlDetector extends MlDetector {
  constructor(
    source: ModelSource,
    private readonly db: SqliteDb,
  ) {
    super(source);
  }

  close(): void {
    this.db.close();
  }
}

/** The factory behind the `ml` kind. */
export function mlDetectors(spec: DetectorSpec): Promise<Detector[]> {
  const file = path.join(spec.dataDir, NODE_DB_FILE);
  if (!existsSync(file)) return Promise.resolve([]);
  const db = openDatabase(file);
  return Promise.resolve([new ClosingMlDetector(registrySource(db), db)]);
}
