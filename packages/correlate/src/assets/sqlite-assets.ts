/**
 * @module
 * SQLite implementation of the asset inventory (`assets` table in the node's main database).
 * Lookups for the builder come from an in-memory index per tenant, rebuilt after each change: at
 * once for changes made through this instance, and within `refreshMs` for changes made by another
 * process on the same file (seen through the tenant's row in `asset_versions`).
 */
import { requireRole, type AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
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

const STEPS = [
  `CREATE TABLE assets (
     tenant TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     criticality TEXT NOT NULL,
     source TEXT NOT NULL,
     updated INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (tenant, kind, name)
   ) WITHOUT ROWID;`,
  // Bumped by every write, so other processes on the file know to rebuild their lookup index.
  `CREATE TABLE asset_versions (tenant TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;`,
];

const BUMP = `INSERT INTO asset_versions (tenant, version) VALUES (?, 1)
  ON CONFLICT (tenant) DO UPDATE SET version = version + 1`;

/** The inventory in SQLite. */
export class SqliteAssetStore implements AssetStore {
  private readonly indexes: LookupCache;

  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
    o: LookupCacheOptions = {},
  ) {
    migrate(db, 'assets', STEPS);
    this.indexes = new LookupCache(
      (tenant) =>
        (
          db.prepare('SELECT version FROM asset_versions WHERE tenant = ?').get(tenant) as
            { version: number } | undefined
        )?.version ?? 0,
      (tenant) => this.all(tenant),
      o,
    );
  }

  private all(tenant: string, kind?: AssetKind): Asset[] {
    const rows = (
      kind === undefined
        ? this.db.prepare('SELECT doc FROM assets WHERE tenant = ? ORDER BY kind, name').all(tenant)
        : this.db.prepare('SELECT doc FROM assets WHERE tenant = ? AND kind = ? ORDER BY name').all(tenant, kind)
    ) as AssetRow[];
    return rows.map(toAsset);
  }

  list(ctx: AuthContext, query: { readonly kind?: AssetKind; readonly q?: string } = {}): readonly Asset[] {
    requireRole(ctx, READ_ROLES);
    return filterAssets(this.all(ctx.tenant, query.kind), query.q);
  }

  get(ctx: AuthContext, kind: AssetKind, name: string): Asset | undefined {
    requireRole(ctx, READ_ROLES);
    const row = this.db
      .prepare('SELECT doc FROM assets WHERE tenant = ? AND kind = ? AND name = ?')
      .get(ctx.tenant, kind, canonicalAssetName(kind, name)) as AssetRow | undefined;
    return row ? toAsset(row) : undefined;
  }

  upsert(ctx: AuthContext, assets: readonly AssetInput[]): number {
    requireRole(ctx, CONFIG_ROLES);
    const put = this.db.prepare(
      `INSERT INTO assets (tenant, kind, name, criticality, source, updated, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, kind, name) DO UPDATE SET criticality = excluded.criticality, source = excluded.source,
       updated = excluded.updated, doc = excluded.doc`,
    );
    const now = this.now();
    this.db.transaction(() => {
      for (const a of assets) {
        const doc = assetDoc(ctx.tenant, a, now);
        put.run(ctx.tenant, doc.kind, doc.name, doc.criticality, doc.source, now, JSON.stringify(doc));
      }
      this.db.prepare(BUMP).run(ctx.tenant);
    })();
    this.indexes.invalidate(ctx.tenant);
    return assets.length;
  }

  remove(ctx: AuthContext, kind: AssetKind, name: string): boolean {
    requireRole(ctx, CONFIG_ROLES);
    const changes = this.db.transaction(() => {
      const r = this.db
        .prepare('DELETE FROM assets WHERE tenant = ? AND kind = ? AND name = ?')
        .run(ctx.tenant, kind, canonicalAssetName(kind, name));
      if (r.changes > 0) this.db.prepare(BUMP).run(ctx.tenant);
      return r.changes;
    })();
    this.indexes.invalidate(ctx.tenant);
    return changes > 0;
  }

  lookup(ctx: AuthContext): AssetLookup {
    requireRole(ctx, READ_ROLES);
    return this.indexes.get(ctx.tenant);
  }
}
