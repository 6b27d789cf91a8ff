/**
 * @module
 * The asset inventory on PostgreSQL (migration step `14-assets`), over the synchronous bridge, so
 * callers use it exactly as `SqliteAssetStore`: same documents (`asset-docs.ts`), same order (names
 * compare byte-wise, `COLLATE "C"`). Several processes may write one tenant's inventory: an upsert
 * is one transaction whose rows go in key order and whose last statement bumps the tenant's
 * `asset_versions` row, and a removal is one statement doing the same, so writers lock rows in one
 * order (no deadlock) and every process sees the new version. The builder's lookup index stays in
 * memory and is rebuilt when that version moved (`LookupCache`).
 */
import { requireRole, type AuthContext } from '@intersoc/core';
import type { SqlParam, Statement, SyncPg } from '@intersoc/storage/postgres';
import { CONFIG_ROLES, READ_ROLES } from '../access/roles.js';
import {
  assetDoc,
  canonicalAssetName,
  filterAssets,
  LookupCache,
  toAsset,
  type AssetRow,
  type LookupCacheOptions,
} from './asset-docs.js';
import type { Asset, AssetInput, AssetKind, AssetLookup, AssetStore } from './types.js';

/** Rows per INSERT (7 parameters each, far below PostgreSQL's 65,535). */
const CHUNK = 500;

const BUMP = `INSERT INTO asset_versions (tenant, version) VALUES ($1, 1)
  ON CONFLICT (tenant) DO UPDATE SET version = asset_versions.version + 1`;

/** The inventory in the PostgreSQL store. */
export class PgAssetStore implements AssetStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;
  readonly #indexes: LookupCache;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now, o: LookupCacheOptions = {}) {
    this.#pg = pg;
    this.#now = now;
    this.#indexes = new LookupCache(
      (tenant) =>
        pg.query<{ version: number }>('SELECT version FROM asset_versions WHERE tenant = $1', [tenant])[0]?.version ??
        0,
      (tenant) => this.#all(tenant),
      o,
    );
  }

  #all(tenant: string, kind?: AssetKind): Asset[] {
    const rows =
      kind === undefined
        ? this.#pg.query<AssetRow>('SELECT doc FROM assets WHERE tenant = $1 ORDER BY kind, name', [tenant])
        : this.#pg.query<AssetRow>('SELECT doc FROM assets WHERE tenant = $1 AND kind = $2 ORDER BY name', [
            tenant,
            kind,
          ]);
    return rows.map(toAsset);
  }

  list(ctx: AuthContext, query: { readonly kind?: AssetKind; readonly q?: string } = {}): readonly Asset[] {
    requireRole(ctx, READ_ROLES);
    return filterAssets(this.#all(ctx.tenant, query.kind), query.q);
  }

  get(ctx: AuthContext, kind: AssetKind, name: string): Asset | undefined {
    requireRole(ctx, READ_ROLES);
    const [row] = this.#pg.query<AssetRow>('SELECT doc FROM assets WHERE tenant = $1 AND kind = $2 AND name = $3', [
      ctx.tenant,
      kind,
      canonicalAssetName(kind, name),
    ]);
    return row ? toAsset(row) : undefined;
  }

  upsert(ctx: AuthContext, assets: readonly AssetInput[]): number {
    requireRole(ctx, CONFIG_ROLES);
    const now = this.#now();
    // Validated before anything is sent; one row per key (the last input wins, as on SQLite),
    // in key order so that concurrent writers lock rows in the same order.
    const docs = new Map<string, Asset>();
    for (const a of assets) {
      const doc = assetDoc(ctx.tenant, a, now);
      docs.set(`${doc.kind}\0${doc.name}`, doc);
    }
    const rows = [...docs.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, d]) => d);
    const statements: Statement[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const params: SqlParam[] = [];
      const values = chunk.map((d) => {
        const n = params.length;
        params.push(ctx.tenant, d.kind, d.name, d.criticality, d.source, now, JSON.stringify(d));
        return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7})`;
      });
      statements.push({
        text: `INSERT INTO assets (tenant, kind, name, criticality, source, updated, doc) VALUES ${values.join(', ')}
               ON CONFLICT (tenant, kind, name) DO UPDATE SET criticality = excluded.criticality,
                 source = excluded.source, updated = excluded.updated, doc = excluded.doc`,
        params,
      });
    }
    statements.push({ text: BUMP, params: [ctx.tenant] });
    this.#pg.transaction(() => this.#pg.batch(statements));
    this.#indexes.invalidate(ctx.tenant);
    return assets.length;
  }

  remove(ctx: AuthContext, kind: AssetKind, name: string): boolean {
    requireRole(ctx, CONFIG_ROLES);
    // One statement: the row goes and the version moves together, or neither.
    const bumped = this.#pg.run(
      `WITH gone AS (DELETE FROM assets WHERE tenant = $1 AND kind = $2 AND name = $3 RETURNING tenant)
       INSERT INTO asset_versions (tenant, version) SELECT tenant, 1 FROM gone
       ON CONFLICT (tenant) DO UPDATE SET version = asset_versions.version + 1`,
      [ctx.tenant, kind, canonicalAssetName(kind, name)],
    );
    this.#indexes.invalidate(ctx.tenant);
    return bumped > 0;
  }

  lookup(ctx: AuthContext): AssetLookup {
    requireRole(ctx, READ_ROLES);
    return this.#indexes.get(ctx.tenant);
  }
}
