/**
 * @module
 * Dependency graphs per tenant in the node's main database (`cascade_*` tables, migration set
 * `cascade`). Dependencies are rows with typed columns (a million of them load in seconds);
 * entities keep their JSON. Each write bumps the graph's version, so compiled graphs cached in
 * memory are rebuilt only after a change. Every method acts within `ctx.tenant` and checks the
 * caller's role: viewers read, analysts and admins import and delete. `PgGraphStore` is the same
 * store on PostgreSQL (interface and shared parts in `graph-store.ts`).
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import type { DependencyType, Entity, GraphData } from '../model/types.js';
import {
  assetKey,
  CASCADE_READ_ROLES,
  CASCADE_WRITE_ROLES,
  CompiledGraphs,
  GRAPH_COLUMNS,
  graphName,
  placeholderDoc,
  toDependency,
  toEntity,
  toGraphInfo,
  type GraphInfo,
  type GraphRow,
  type GraphStore,
  type LoadedGraph,
  type PutOptions,
} from './graph-store.js';

// Where they were first defined: the service and the package index import them from here.
export { CASCADE_READ_ROLES, CASCADE_WRITE_ROLES, graphName } from './graph-store.js';
export type { GraphInfo, LoadedGraph } from './graph-store.js';

const STEPS = [
  `CREATE TABLE cascade_graphs (
     tenant TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
     version INTEGER NOT NULL, entities INTEGER NOT NULL, dependencies INTEGER NOT NULL, source TEXT NOT NULL,
     PRIMARY KEY (tenant, name)) WITHOUT ROWID;
   CREATE TABLE cascade_entities (
     tenant TEXT NOT NULL, graph TEXT NOT NULL, id TEXT NOT NULL, asset TEXT, doc TEXT NOT NULL,
     PRIMARY KEY (tenant, graph, id)) WITHOUT ROWID;
   CREATE INDEX cascade_entities_asset ON cascade_entities (tenant, asset) WHERE asset IS NOT NULL;
   CREATE TABLE cascade_dependencies (
     tenant TEXT NOT NULL, graph TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
     type TEXT NOT NULL, strength REAL NOT NULL, tti REAL NOT NULL, recovery REAL NOT NULL,
     PRIMARY KEY (tenant, graph, source, target)) WITHOUT ROWID;`,
];

/** The graph store on SQLite. */
export class SqliteGraphStore implements GraphStore {
  private readonly cache = new CompiledGraphs();

  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'cascade', STEPS);
  }

  list(ctx: AuthContext): GraphInfo[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    return (
      this.db
        .prepare(`SELECT ${GRAPH_COLUMNS} FROM cascade_graphs WHERE tenant = ? ORDER BY name`)
        .all(ctx.tenant) as GraphRow[]
    ).map(toGraphInfo);
  }

  info(ctx: AuthContext, name: string): GraphInfo | undefined {
    requireRole(ctx, CASCADE_READ_ROLES);
    const row = this.db
      .prepare(`SELECT ${GRAPH_COLUMNS} FROM cascade_graphs WHERE tenant = ? AND name = ?`)
      .get(ctx.tenant, graphName(name)) as GraphRow | undefined;
    return row ? toGraphInfo(row) : undefined;
  }

  put(ctx: AuthContext, name: string, data: GraphData, o: PutOptions = {}): GraphInfo {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    graphName(name);
    const t = ctx.tenant;
    const now = this.now();
    const run = this.db.transaction(() => {
      const before = this.db
        .prepare('SELECT created, version FROM cascade_graphs WHERE tenant = ? AND name = ?')
        .get(t, name) as { created: number; version: number } | undefined;
      if (o.mode !== 'merge') {
        this.db.prepare('DELETE FROM cascade_entities WHERE tenant = ? AND graph = ?').run(t, name);
        this.db.prepare('DELETE FROM cascade_dependencies WHERE tenant = ? AND graph = ?').run(t, name);
      }
      const putEntity = this.db.prepare(
        'INSERT INTO cascade_entities (tenant, graph, id, asset, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, graph, id) DO UPDATE SET asset = excluded.asset, doc = excluded.doc',
      );
      const addEntity = this.db.prepare(
        'INSERT OR IGNORE INTO cascade_entities (tenant, graph, id, asset, doc) VALUES (?, ?, ?, NULL, ?)',
      );
      const putDep = this.db.prepare(
        'INSERT INTO cascade_dependencies (tenant, graph, source, target, type, strength, tti, recovery) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, graph, source, target) DO UPDATE SET type = excluded.type, strength = excluded.strength, tti = excluded.tti, recovery = excluded.recovery',
      );
      for (const e of data.entities) putEntity.run(t, name, e.id, assetKey(e), JSON.stringify(e));
      for (const d of data.dependencies) {
        for (const id of [d.source, d.target]) addEntity.run(t, name, id, placeholderDoc(id));
        putDep.run(t, name, d.source, d.target, d.type, d.strength, d.ttiHours, d.recoveryHours);
      }
      const counts = this.db
        .prepare(
          'SELECT (SELECT COUNT(*) FROM cascade_entities WHERE tenant = ? AND graph = ?) AS e, (SELECT COUNT(*) FROM cascade_dependencies WHERE tenant = ? AND graph = ?) AS d',
        )
        .get(t, name, t, name) as { e: number; d: number };
      this.db
        .prepare(
          `INSERT INTO cascade_graphs (tenant, name, created, updated, version, entities, dependencies, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tenant, name) DO UPDATE SET updated = excluded.updated, version = excluded.version, entities = excluded.entities, dependencies = excluded.dependencies, source = excluded.source`,
        )
        .run(t, name, before?.created ?? now, now, (before?.version ?? 0) + 1, counts.e, counts.d, o.source ?? 'api');
    });
    run.immediate();
    this.cache.forget(t, name);
    return this.info(ctx, name) as GraphInfo;
  }

  delete(ctx: AuthContext, name: string): boolean {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const t = ctx.tenant;
    graphName(name);
    const n = this.db.transaction(() => {
      this.db.prepare('DELETE FROM cascade_entities WHERE tenant = ? AND graph = ?').run(t, name);
      this.db.prepare('DELETE FROM cascade_dependencies WHERE tenant = ? AND graph = ?').run(t, name);
      return this.db.prepare('DELETE FROM cascade_graphs WHERE tenant = ? AND name = ?').run(t, name).changes;
    })();
    this.cache.forget(t, name);
    return n > 0;
  }

  data(ctx: AuthContext, name: string): GraphData {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (!this.info(ctx, name)) throw new AppError('NOT_FOUND', `no graph ${name}`);
    // The orders of the primary keys (as the tables are stored), written out to match PostgreSQL.
    const entities = (
      this.db
        .prepare('SELECT doc FROM cascade_entities WHERE tenant = ? AND graph = ? ORDER BY id')
        .all(ctx.tenant, name) as { doc: string }[]
    ).map((r) => toEntity(r.doc));
    const rows = this.db
      .prepare(
        `SELECT source, target, type, strength, tti, recovery FROM cascade_dependencies WHERE tenant = ? AND graph = ?
          ORDER BY source, target`,
      )
      .raw()
      .all(ctx.tenant, name) as [string, string, DependencyType, number, number, number][];
    return { entities, dependencies: rows.map((r) => toDependency(...r)) };
  }

  load(ctx: AuthContext, name: string): LoadedGraph {
    requireRole(ctx, CASCADE_READ_ROLES);
    const info = this.info(ctx, name);
    if (!info) throw new AppError('NOT_FOUND', `no graph ${name}`);
    // One writer per file, and a write or delete here forgets the entry: the version is stamp enough.
    return (
      this.cache.get(ctx.tenant, name, info.version) ??
      this.cache.set(ctx.tenant, info, info.version, this.data(ctx, name))
    );
  }

  entitiesOfAsset(ctx: AuthContext, hosts: readonly string[]): { graph: string; entity: Entity }[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (hosts.length === 0) return [];
    const q = this.db.prepare(
      'SELECT graph, doc FROM cascade_entities WHERE tenant = ? AND asset = ? ORDER BY graph, id',
    );
    return [...new Set(hosts.map((h) => h.toLowerCase()))].flatMap((h) =>
      (q.all(ctx.tenant, h) as { graph: string; doc: string }[]).map((r) => ({
        graph: r.graph,
        entity: toEntity(r.doc),
      })),
    );
  }
}
