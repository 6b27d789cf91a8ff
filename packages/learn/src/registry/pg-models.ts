/**
 * @module
 * The model registry on PostgreSQL (migration step `12-models`), over the synchronous bridge, so
 * callers use it exactly as `SqliteModelStore`. Same statements in `$n` placeholders, same row
 * mapping (`models.ts`).
 *
 * What SQLite's single writer hid: two processes adding a version of one name would both read the
 * same `max(version)`, and two deploying versions of one name would both clear the earlier one and
 * both end `deployed`. `add`, `deploy` and `retire` therefore take a transaction-level advisory
 * lock on (tenant, name) first, so the writes of one name run one after the other across
 * processes; the partial unique index of the schema backs the one-deployed rule. Reads go to the
 * database every time: another process may have deployed since.
 */
import type { AuthContext } from '@intersoc/core';
import type { SyncPg } from '@intersoc/storage/postgres';
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

/** Serialises the writes of one model name of one tenant (until the transaction ends). */
const LOCK_NAME = "SELECT pg_advisory_xact_lock(hashtext('intersoc.ml_models'), hashtext($1::text || '/' || $2::text))";

const NEWEST = 'SELECT * FROM ml_models WHERE tenant = $1 AND name = $2 ORDER BY version DESC LIMIT 1';
const ONE = 'SELECT * FROM ml_models WHERE tenant = $1 AND name = $2 AND version = $3';

const BUMP =
  'INSERT INTO ml_revisions (tenant, revision) VALUES ($1, 1) ON CONFLICT (tenant) DO UPDATE SET revision = ml_revisions.revision + 1';

/**
 * The model registry in the PostgreSQL store.
 * @example
 * const store = new PgModelStore(openSyncPg(url)); const v = store.add(ctx, 'nsl', doc).version; store.deploy(ctx, 'nsl', v);
 */
export class PgModelStore implements ModelStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  add(ctx: AuthContext, name: string, doc: ModelDoc, now = Date.now()): StoredModel {
    checkModelName(name);
    const text = JSON.stringify(doc);
    return this.#pg.transaction(() => {
      const [, ins] = this.#pg.batch([
        { text: LOCK_NAME, params: [ctx.tenant, name] },
        {
          text: `INSERT INTO ml_models (tenant, name, version, algorithm, status, created, deployed, doc)
                 SELECT $1::text, $2::text, COALESCE(max(version), 0) + 1, $3::text, 'trained', $4::bigint, NULL, $5::text
                   FROM ml_models WHERE tenant = $1 AND name = $2
                 RETURNING version`,
          params: [ctx.tenant, name, doc.algorithm, now, text],
        },
      ]);
      const version = (ins?.rows[0] as { version: number }).version;
      return newModel(name, version, doc, text, now);
    });
  }

  list(ctx: AuthContext): ModelSummary[] {
    return this.#pg
      .query<ModelRow>('SELECT * FROM ml_models WHERE tenant = $1 ORDER BY name, version DESC', [ctx.tenant])
      .map(toModelSummary);
  }

  get(ctx: AuthContext, name: string, version?: number): StoredModel | undefined {
    const [row] =
      version === undefined
        ? this.#pg.query<ModelRow>(NEWEST, [ctx.tenant, name])
        : this.#pg.query<ModelRow>(ONE, [ctx.tenant, name, version]);
    return row ? toStoredModel(row) : undefined;
  }

  require(ctx: AuthContext, name: string, version?: number): StoredModel {
    const m = this.get(ctx, name, version);
    if (!m) throw noModel(name, version);
    return m;
  }

  deploy(ctx: AuthContext, name: string, version?: number, now = Date.now()): StoredModel {
    return this.#pg.transaction(() => {
      const [, found] = this.#pg.batch([
        { text: LOCK_NAME, params: [ctx.tenant, name] },
        version === undefined
          ? { text: NEWEST, params: [ctx.tenant, name] }
          : { text: ONE, params: [ctx.tenant, name, version] },
      ]);
      const target = found?.rows[0] as ModelRow | undefined;
      if (!target) throw noModel(name, version);
      // The earlier deployed version steps back first: the partial unique index allows one.
      const [, deployed] = this.#pg.batch([
        {
          text: "UPDATE ml_models SET status = 'trained' WHERE tenant = $1 AND name = $2 AND status = 'deployed'",
          params: [ctx.tenant, name],
        },
        {
          text: "UPDATE ml_models SET status = 'deployed', deployed = $1 WHERE tenant = $2 AND name = $3 AND version = $4 RETURNING *",
          params: [now, ctx.tenant, name, target.version],
        },
        { text: BUMP, params: [ctx.tenant] },
      ]);
      return toStoredModel(deployed?.rows[0] as unknown as ModelRow);
    });
  }

  retire(ctx: AuthContext, name: string, version?: number): number {
    return this.#pg.transaction(() => {
      const [, found] = this.#pg.batch([
        { text: LOCK_NAME, params: [ctx.tenant, name] },
        version === undefined
          ? { text: NEWEST, params: [ctx.tenant, name] }
          : { text: ONE, params: [ctx.tenant, name, version] },
      ]);
      if (!found?.rows[0]) throw noModel(name, version);
      const [changed] = this.#pg.batch([
        version === undefined
          ? {
              text: "UPDATE ml_models SET status = 'retired' WHERE tenant = $1 AND name = $2 AND status <> 'retired'",
              params: [ctx.tenant, name],
            }
          : {
              text: "UPDATE ml_models SET status = 'retired' WHERE tenant = $1 AND name = $2 AND version = $3 AND status <> 'retired'",
              params: [ctx.tenant, name, version],
            },
        { text: BUMP, params: [ctx.tenant] },
      ]);
      return changed?.count ?? 0;
    });
  }

  deployed(ctx: AuthContext): StoredModel[] {
    return this.#pg
      .query<ModelRow>("SELECT * FROM ml_models WHERE tenant = $1 AND status = 'deployed' ORDER BY name", [ctx.tenant])
      .map(toStoredModel);
  }

  tenantsWithDeployed(): string[] {
    return this.#pg
      .query<{ tenant: string }>("SELECT DISTINCT tenant FROM ml_models WHERE status = 'deployed' ORDER BY tenant")
      .map((r) => r.tenant);
  }

  revision(): number {
    // sum(bigint) is numeric, which the driver returns as a string: cast back to bigint (a number here).
    const [r] = this.#pg.query<{ r: number }>('SELECT COALESCE(sum(revision), 0)::bigint AS r FROM ml_revisions');
    return r?.r ?? 0;
  }
}
