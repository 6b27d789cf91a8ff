/**
 * @module
 * Dependency graphs per tenant in the node's main database (`cascade_*` tables, migration set
 * `cascade`). Dependencies are rows with typed columns (a million of them load in seconds);
 * entities keep their JSON. Each write bumps the graph's version, so compiled graphs cached in
 * memory are rebuilt only after a change. Every method acts within `ctx.tenant` and checks the
 * caller's role: viewers read, analysts and admins import and delete.
 */
import { AppError, requireRole, type AuthContext, type Role } from '@intersoc/core';
import { migrate, type SqliteDb } from '@intersoc/storage';
import { compile, type CompiledGraph } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import { GRAPH_NAME_PATTERN } from '../model/schema.js';
import type { Dependency, DependencyType, Entity, GraphData } from '../model/types.js';

/** Roles that read graphs and run the models. */
export const CASCADE_READ_ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];
/** Roles that import, change and delete graphs and share them. */
export const CASCADE_WRITE_ROLES: readonly Role[] = ['admin', 'analyst'];

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

/** A graph's summary. */
export interface GraphInfo {
  readonly name: string;
  readonly created: number;
  readonly updated: number;
  readonly version: number;
  readonly entities: number;
  readonly dependencies: number;
  /** Where it came from: `import:<format>`, `api`, `federation`. */
  readonly source: string;
}

interface GraphRow {
  name: string;
  created: number;
  updated: number;
  version: number;
  entities: number;
  dependencies: number;
  source: string;
}

/** A loaded graph with its compiled form. */
export interface LoadedGraph {
  readonly info: GraphInfo;
  readonly graph: DependencyGraph;
  readonly compiled: CompiledGraph;
}

/** Checks a graph name. */
export function graphName(name: string): string {
  if (!GRAPH_NAME_PATTERN.test(name))
    throw new AppError('VALIDATION', `invalid graph name "${name.slice(0, 64)}" (letters, digits, . _ -; at most 64)`);
  return name;
}

/** The store. */
export class SqliteGraphStore {
  private readonly cache = new Map<string, LoadedGraph>();

  constructor(
    readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, 'cascade', STEPS);
  }

  list(ctx: AuthContext): GraphInfo[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    return this.db
      .prepare(
        'SELECT name, created, updated, version, entities, dependencies, source FROM cascade_graphs WHERE tenant = ? ORDER BY name',
      )
      .all(ctx.tenant) as GraphRow[];
  }

  info(ctx: AuthContext, name: string): GraphInfo | undefined {
    requireRole(ctx, CASCADE_READ_ROLES);
    return this.db
      .prepare(
        'SELECT name, created, updated, version, entities, dependencies, source FROM cascade_graphs WHERE tenant = ? AND name = ?',
      )
      .get(ctx.tenant, graphName(name)) as GraphRow | undefined;
  }

  /**
   * Writes a graph: `replace` (default) drops what the graph held; `merge` adds and overwrites
   * entities and dependencies by id. Returns the new summary.
   */
  put(
    ctx: AuthContext,
    name: string,
    data: GraphData,
    o: { mode?: 'replace' | 'merge'; source?: string } = {},
  ): GraphInfo {
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
      for (const e of data.entities) putEntity.run(t, name, e.id, e.asset?.toLowerCase() ?? null, JSON.stringify(e));
      for (const d of data.dependencies) {
        for (const id of [d.source, d.target])
          addEntity.run(t, name, id, JSON.stringify({ id, kind: 'asset', minInputs: 1, buffers: {} }));
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
    this.cache.delete(`${t}\u0000${name}`);
    return this.info(ctx, name) as GraphInfo;
  }

  /** Deletes a graph; false when there was none. */
  delete(ctx: AuthContext, name: string): boolean {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const t = ctx.tenant;
    graphName(name);
    const n = this.db.transaction(() => {
      this.db.prepare('DELETE FROM cascade_entities WHERE tenant = ? AND graph = ?').run(t, name);
      this.db.prepare('DELETE FROM cascade_dependencies WHERE tenant = ? AND graph = ?').run(t, name);
      return this.db.prepare('DELETE FROM cascade_graphs WHERE tenant = ? AND name = ?').run(t, name).changes;
    })();
    this.cache.delete(`${t}\u0000${name}`);
    return n > 0;
  }

  /** The whole graph as data. */
  data(ctx: AuthContext, name: string): GraphData {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (!this.info(ctx, name)) throw new AppError('NOT_FOUND', `no graph ${name}`);
    const entities = (
      this.db.prepare('SELECT doc FROM cascade_entities WHERE tenant = ? AND graph = ?').all(ctx.tenant, name) as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as Entity);
    const rows = this.db
      .prepare(
        'SELECT source, target, type, strength, tti, recovery FROM cascade_dependencies WHERE tenant = ? AND graph = ?',
      )
      .raw()
      .all(ctx.tenant, name) as [string, string, DependencyType, number, number, number][];
    const dependencies: Dependency[] = rows.map(([source, target, type, strength, ttiHours, recoveryHours]) => ({
      source,
      target,
      type,
      strength,
      ttiHours,
      recoveryHours,
    }));
    return { entities, dependencies };
  }

  /** The graph loaded and compiled (cached until it changes). */
  load(ctx: AuthContext, name: string): LoadedGraph {
    requireRole(ctx, CASCADE_READ_ROLES);
    const info = this.info(ctx, name);
    if (!info) throw new AppError('NOT_FOUND', `no graph ${name}`);
    const key = `${ctx.tenant}\u0000${name}`;
    const hit = this.cache.get(key);
    if (hit && hit.info.version === info.version) return hit;
    const graph = DependencyGraph.from(this.data(ctx, name));
    const loaded = { info, graph, compiled: compile(graph) };
    this.cache.set(key, loaded);
    return loaded;
  }

  /** Entities standing for an inventory host, in every graph of the tenant. */
  entitiesOfAsset(ctx: AuthContext, hosts: readonly string[]): { graph: string; entity: Entity }[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (hosts.length === 0) return [];
    const q = this.db.prepare('SELECT graph, doc FROM cascade_entities WHERE tenant = ? AND asset = ?');
    return [...new Set(hosts.map((h) => h.toLowerCase()))].flatMap((h) =>
      (q.all(ctx.tenant, h) as { graph: string; doc: string }[]).map((r) => ({
        graph: r.graph,
        entity: JSON.parse(r.doc) as Entity,
      })),
    );
  }
}
