/**
 * @module
 * The model registry in the node's main database: every trained model is a new version of its
 * name within a tenant, with its algorithm, features, training-data hash, parameters and
 * validation metrics (all inside the stored document). At most one version of a name is deployed;
 * deploying another one moves the earlier back to `trained`. Every call takes the caller's context
 * and touches only its tenant. A per-tenant revision number changes on each deploy or retire, so
 * the pipeline reloads deployed models only when they changed.
 */
import type { AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { ModelDoc } from '../model/model.js';
import {
  checkModelName,
  noModel,
  newModel,
  toModelSummary,
  toStoredModel,
  type ModelRow,
  type ModelStore,
  type ModelSummary,
  type StoredModel,
} from './models.js';

const STEPS = [
  `CREATE TABLE ml_models (
     tenant TEXT NOT NULL,
     name TEXT NOT NULL,
     version INTEGER NOT NULL,
     algorithm TEXT NOT NULL,
     status TEXT NOT NULL,
     created INTEGER NOT NULL,
     deployed INTEGER,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, name, version)
   ) WITHOUT ROWID;
   CREATE INDEX ml_models_by_status ON ml_models (tenant, status);
   CREATE TABLE ml_revisions (
     tenant TEXT PRIMARY KEY,
     revision INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

/**
 * The model registry in SQLite (one writer per file: `add` numbers versions inside its transaction).
 * @example
 * const store = new SqliteModelStore(db); const v = store.add(ctx, 'nsl', doc).version; store.deploy(ctx, 'nsl', v);
 */
export class SqliteModelStore implements ModelStore {
  constructor(private readonly db: SqliteDb) {
    migrate(db, 'ml', STEPS);
  }

  /** Stores `doc` as the next version of `name` (status `trained`). */
  add(ctx: AuthContext, name: string, doc: ModelDoc, now = Date.now()): StoredModel {
    checkModelName(name);
    return this.db.transaction(() => {
      const last = this.db
        .prepare('SELECT MAX(version) AS v FROM ml_models WHERE tenant = ? AND name = ?')
        .get(ctx.tenant, name) as { v: number | null };
      const version = (last.v ?? 0) + 1;
      const text = JSON.stringify(doc);
      this.db
        .prepare(
          'INSERT INTO ml_models (tenant, name, version, algorithm, status, created, deployed, doc) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)',
        )
        .run(ctx.tenant, name, version, doc.algorithm, 'trained', now, text);
      return newModel(name, version, doc, text, now);
    })();
  }

  /** Every version of every model of the tenant (newest version first within a name). */
  list(ctx: AuthContext): ModelSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM ml_models WHERE tenant = ? ORDER BY name, version DESC')
      .all(ctx.tenant) as ModelRow[];
    return rows.map(toModelSummary);
  }

  /** One version (the newest when `version` is undefined), or undefined. */
  get(ctx: AuthContext, name: string, version?: number): StoredModel | undefined {
    const row = (
      version === undefined
        ? this.db
            .prepare('SELECT * FROM ml_models WHERE tenant = ? AND name = ? ORDER BY version DESC LIMIT 1')
            .get(ctx.tenant, name)
        : this.db
            .prepare('SELECT * FROM ml_models WHERE tenant = ? AND name = ? AND version = ?')
            .get(ctx.tenant, name, version)
    ) as ModelRow | undefined;
    return row ? toStoredModel(row) : undefined;
  }

  /** Like `get`, but a missing model is a NOT_FOUND error. */
  require(ctx: AuthContext, name: string, version?: number): StoredModel {
    const m = this.get(ctx, name, version);
    if (!m) throw noModel(name, version);
    return m;
  }

  /** Deploys a version (the newest by default); the name's earlier deployed version goes back to `trained`. */
  deploy(ctx: AuthContext, name: string, version?: number, now = Date.now()): StoredModel {
    return this.db.transaction(() => {
      const m = this.require(ctx, name, version);
      this.db
        .prepare("UPDATE ml_models SET status = 'trained' WHERE tenant = ? AND name = ? AND status = 'deployed'")
        .run(ctx.tenant, name);
      this.db
        .prepare("UPDATE ml_models SET status = 'deployed', deployed = ? WHERE tenant = ? AND name = ? AND version = ?")
        .run(now, ctx.tenant, name, m.version);
      this.bump(ctx.tenant);
      return this.require(ctx, name, m.version);
    })();
  }

  /** Retires a version (every version of the name when `version` is undefined); returns how many changed. */
  retire(ctx: AuthContext, name: string, version?: number): number {
    return this.db.transaction(() => {
      if (version !== undefined) this.require(ctx, name, version);
      else if (!this.get(ctx, name)) throw noModel(name);
      const r =
        version === undefined
          ? this.db
              .prepare("UPDATE ml_models SET status = 'retired' WHERE tenant = ? AND name = ? AND status != 'retired'")
              .run(ctx.tenant, name)
          : this.db
              .prepare(
                "UPDATE ml_models SET status = 'retired' WHERE tenant = ? AND name = ? AND version = ? AND status != 'retired'",
              )
              .run(ctx.tenant, name, version);
      this.bump(ctx.tenant);
      return r.changes;
    })();
  }

  /** The deployed models of the tenant. */
  deployed(ctx: AuthContext): StoredModel[] {
    const rows = this.db
      .prepare("SELECT * FROM ml_models WHERE tenant = ? AND status = 'deployed' ORDER BY name")
      .all(ctx.tenant) as ModelRow[];
    return rows.map(toStoredModel);
  }

  /** The tenants that have a deployed model (for the node's pipeline). */
  tenantsWithDeployed(): string[] {
    return (
      this.db.prepare("SELECT DISTINCT tenant FROM ml_models WHERE status = 'deployed' ORDER BY tenant").all() as {
        tenant: string;
      }[]
    ).map((r) => r.tenant);
  }

  /** Sum of the per-tenant revisions: changes whenever any tenant deploys or retires. */
  revision(): number {
    const r = this.db.prepare('SELECT COALESCE(SUM(revision), 0) AS r FROM ml_revisions').get() as { r: number };
    return r.r;
  }

  private bump(tenant: string): void {
    this.db
      .prepare(
        'INSERT INTO ml_revisions (tenant, revision) VALUES (?, 1) ON CONFLICT(tenant) DO UPDATE SET revision = revision + 1',
      )
      .run(tenant);
  }
}
