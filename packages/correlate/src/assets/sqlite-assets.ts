/**
 * @module
 * SQLite implementation of the asset inventory (`assets` table in the node's main database).
 * Lookups for the builder come from an in-memory index per tenant, rebuilt after each change.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import { CONFIG_ROLES, READ_ROLES } from '../access/roles.js';
import { AssetIndex } from './asset-index.js';
import { canonicalHost, canonicalUser } from './names.js';
import {
  CRITICALITIES,
  type Asset,
  type AssetInput,
  type AssetKind,
  type AssetLookup,
  type AssetStore,
} from './types.js';

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
];

interface Row {
  doc: string;
}

/** The inventory in SQLite. */
export class SqliteAssetStore implements AssetStore {
  private readonly indexes = new Map<string, AssetIndex>();

  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'assets', STEPS);
  }

  list(ctx: AuthContext, query: { readonly kind?: AssetKind; readonly q?: string } = {}): readonly Asset[] {
    requireRole(ctx, READ_ROLES);
    const rows = (
      query.kind === undefined
        ? this.db.prepare('SELECT doc FROM assets WHERE tenant = ? ORDER BY kind, name').all(ctx.tenant)
        : this.db
            .prepare('SELECT doc FROM assets WHERE tenant = ? AND kind = ? ORDER BY name')
            .all(ctx.tenant, query.kind)
    ) as Row[];
    const all = rows.map((r) => JSON.parse(r.doc) as Asset);
    const q = query.q?.trim().toLowerCase();
    if (!q) return all;
    return all.filter(
      (a) =>
        a.name.includes(q) || a.aliases.some((x) => x.toLowerCase().includes(q)) || a.ips.some((x) => x.includes(q)),
    );
  }

  get(ctx: AuthContext, kind: AssetKind, name: string): Asset | undefined {
    requireRole(ctx, READ_ROLES);
    const row = this.db
      .prepare('SELECT doc FROM assets WHERE tenant = ? AND kind = ? AND name = ?')
      .get(ctx.tenant, kind, canonical(kind, name)) as Row | undefined;
    return row ? (JSON.parse(row.doc) as Asset) : undefined;
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
        if (!CRITICALITIES.includes(a.criticality)) throw new AppError('VALIDATION', `criticality ${a.criticality}`);
        const name = canonical(a.kind, a.name);
        if (name.length === 0) throw new AppError('VALIDATION', 'asset name is empty');
        const doc: Asset = {
          tenant: ctx.tenant,
          kind: a.kind,
          name,
          aliases: [...new Set([a.name, ...(a.aliases ?? [])].filter((x) => x !== name))],
          ips: [...new Set(a.ips ?? [])],
          criticality: a.criticality,
          ...(a.role === undefined ? {} : { role: a.role }),
          ...(a.owner === undefined ? {} : { owner: a.owner }),
          tags: [...(a.tags ?? [])],
          source: a.source ?? 'manual',
          updated: now,
        };
        put.run(ctx.tenant, a.kind, name, a.criticality, doc.source, now, JSON.stringify(doc));
      }
    })();
    this.indexes.delete(ctx.tenant);
    return assets.length;
  }

  remove(ctx: AuthContext, kind: AssetKind, name: string): boolean {
    requireRole(ctx, CONFIG_ROLES);
    const r = this.db
      .prepare('DELETE FROM assets WHERE tenant = ? AND kind = ? AND name = ?')
      .run(ctx.tenant, kind, canonical(kind, name));
    this.indexes.delete(ctx.tenant);
    return r.changes > 0;
  }

  lookup(ctx: AuthContext): AssetLookup {
    requireRole(ctx, READ_ROLES);
    let idx = this.indexes.get(ctx.tenant);
    if (!idx) {
      idx = new AssetIndex(this.list(ctx));
      this.indexes.set(ctx.tenant, idx);
    }
    return idx;
  }
}

function canonical(kind: AssetKind, name: string): string {
  return kind === 'host' ? canonicalHost(name) : canonicalUser(name);
}
