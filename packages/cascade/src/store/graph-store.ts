/**
 * @module
 * The dependency graph store's interface, implemented by `SqliteGraphStore` (the node's main
 * database) and `PgGraphStore` (the shared PostgreSQL store), with what both share: roles, the
 * graph name check, the summary row and its mapper, the stored forms of entities and dependencies,
 * and the cache of compiled graphs, which each store process keeps and rebuilds only after the
 * graph changed.
 */
import { AppError, type AuthContext, type Role } from '@intersoc/core';
import { compile, type CompiledGraph } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import { GRAPH_NAME_PATTERN } from '../model/schema.js';
import type { Dependency, DependencyType, Entity, GraphData } from '../model/types.js';

/** Roles that read graphs and run the models. */
export const CASCADE_READ_ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];
/** Roles that import, change and delete graphs and share them. */
export const CASCADE_WRITE_ROLES: readonly Role[] = ['admin', 'analyst'];

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

/** A loaded graph with its compiled form. */
export interface LoadedGraph {
  readonly info: GraphInfo;
  readonly graph: DependencyGraph;
  readonly compiled: CompiledGraph;
}

/** How a write treats what the graph held. */
export interface PutOptions {
  /** `replace` (default) drops what the graph held; `merge` adds and overwrites by id. */
  readonly mode?: 'replace' | 'merge';
  readonly source?: string;
}

/**
 * Dependency graphs per tenant. Every method acts within `ctx.tenant` and checks the caller's
 * role: viewers read, analysts and admins import and delete.
 */
export interface GraphStore {
  /** The tenant's graphs, by name (byte-wise). */
  list(ctx: AuthContext): GraphInfo[];
  info(ctx: AuthContext, name: string): GraphInfo | undefined;
  /**
   * Writes a graph: `replace` (default) drops what the graph held; `merge` adds and overwrites
   * entities and dependencies by id. Bumps the version; returns the new summary.
   */
  put(ctx: AuthContext, name: string, data: GraphData, o?: PutOptions): GraphInfo;
  /** Deletes a graph; false when there was none. */
  delete(ctx: AuthContext, name: string): boolean;
  /** The whole graph as data: entities by id, dependencies by source then target. */
  data(ctx: AuthContext, name: string): GraphData;
  /** The graph loaded and compiled (cached until it changes). */
  load(ctx: AuthContext, name: string): LoadedGraph;
  /** Entities standing for an inventory host, in every graph of the tenant. */
  entitiesOfAsset(ctx: AuthContext, hosts: readonly string[]): { graph: string; entity: Entity }[];
}

/** Checks a graph name. */
export function graphName(name: string): string {
  if (!GRAPH_NAME_PATTERN.test(name))
    throw new AppError('VALIDATION', `invalid graph name "${name.slice(0, 64)}" (letters, digits, . _ -; at most 64)`);
  return name;
}

/** The summary columns of `cascade_graphs`, in both stores. */
export const GRAPH_COLUMNS = 'name, created, updated, version, entities, dependencies, source';

/** A `cascade_graphs` row as read. */
export interface GraphRow {
  readonly name: string;
  readonly created: number;
  readonly updated: number;
  readonly version: number;
  readonly entities: number;
  readonly dependencies: number;
  readonly source: string;
}

/** The summary of a row (without the columns a store keeps for itself). */
export function toGraphInfo(r: GraphRow): GraphInfo {
  return {
    name: r.name,
    created: r.created,
    updated: r.updated,
    version: r.version,
    entities: r.entities,
    dependencies: r.dependencies,
    source: r.source,
  };
}

/** The inventory host an entity is indexed under (lower case), or null. */
export function assetKey(e: Entity): string | null {
  return e.asset?.toLowerCase() ?? null;
}

/** The entity stored for an id that a dependency names but the data does not list. */
export function placeholderDoc(id: string): string {
  return JSON.stringify({ id, kind: 'asset', minInputs: 1, buffers: {} });
}

/** An entity from its stored document. */
export function toEntity(doc: string): Entity {
  return JSON.parse(doc) as Entity;
}

/** A dependency from its stored columns. */
export function toDependency(
  source: string,
  target: string,
  type: DependencyType,
  strength: number,
  ttiHours: number,
  recoveryHours: number,
): Dependency {
  return { source, target, type, strength, ttiHours, recoveryHours };
}

/**
 * Compiled graphs of one store object, per tenant and name, with the stamp they were read at (a
 * value that changes on every write of the graph): a hit needs the stored stamp unchanged.
 */
export class CompiledGraphs {
  readonly #cache = new Map<string, { stamp: number; loaded: LoadedGraph }>();

  /** The cached graph when `stamp` is still current, else undefined. */
  get(tenant: string, name: string, stamp: number): LoadedGraph | undefined {
    const hit = this.#cache.get(`${tenant}\u0000${name}`);
    return hit && hit.stamp === stamp ? hit.loaded : undefined;
  }

  /** Compiles `data` and keeps it under `stamp`. */
  set(tenant: string, info: GraphInfo, stamp: number, data: GraphData): LoadedGraph {
    const graph = DependencyGraph.from(data);
    const loaded = { info, graph, compiled: compile(graph) };
    this.#cache.set(`${tenant}\u0000${info.name}`, { stamp, loaded });
    return loaded;
  }

  forget(tenant: string, name: string): void {
    this.#cache.delete(`${tenant}\u0000${name}`);
  }
}
