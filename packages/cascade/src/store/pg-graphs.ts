/**
 * @module
 * The dependency graph store on PostgreSQL (migration step 17, `intersoc db migrate`), over the
 * synchronous bridge (`SyncPg` of `@intersoc/storage/postgres`), so callers use it exactly as
 * `SqliteGraphStore`: same tables, same answers, the shared suite (`internal/testing.ts`)
 * runs on both.
 *
 * Several processes may share the database. Where SQLite took the file's write lock for a whole
 * write (`BEGIN IMMEDIATE`), a write or delete here takes a transaction-level advisory lock on the
 * tenant's graph, so two imports of one graph cannot interleave their deletes and inserts or lose a
 * version bump. Rows go in as JSON arrays expanded by `json_to_recordset`, a few thousand per
 * statement and all statements in one round trip, so a large import is not a statement per row.
 * Reads of a whole graph take one repeatable-read snapshot, so its summary, entities and
 * dependencies agree; the compiled cache is keyed by the graph's `stamp`, new on every write.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
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

/**
 * Rows per INSERT: a few hundred kB of JSON per statement. The JSON goes as `text`
 * (`$3::text::json`): a parameter typed `json` would be encoded again by the driver.
 */
const CHUNK = 2000;

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('intersoc.cascade_graphs'), hashtext($1 || '/' || $2))";

const PUT_ENTITIES = `INSERT INTO cascade_entities (tenant, graph, id, asset, doc)
  SELECT $1, $2, r.id, r.asset, r.doc FROM json_to_recordset($3::text::json) AS r(id text, asset text, doc text)
  ON CONFLICT (tenant, graph, id) DO UPDATE SET asset = excluded.asset, doc = excluded.doc`;

const ADD_ENTITIES = `INSERT INTO cascade_entities (tenant, graph, id, asset, doc)
  SELECT $1, $2, r.id, NULL, r.doc FROM json_to_recordset($3::text::json) AS r(id text, doc text)
  ON CONFLICT DO NOTHING`;

const PUT_DEPENDENCIES = `INSERT INTO cascade_dependencies (tenant, graph, source, target, type, strength, tti, recovery)
  SELECT $1, $2, r.source, r.target, r.type, r.strength, r.tti, r.recovery
    FROM json_to_recordset($3::text::json)
      AS r(source text, target text, type text, strength double precision, tti double precision, recovery double precision)
  ON CONFLICT (tenant, graph, source, target) DO UPDATE SET type = excluded.type, strength = excluded.strength,
    tti = excluded.tti, recovery = excluded.recovery`;

// The first write creates the row at version 1; later ones keep `created` and bump the version.
const PUT_GRAPH = `INSERT INTO cascade_graphs (tenant, name, created, updated, version, entities, dependencies, source, stamp)
  VALUES ($1, $2, $3, $3, 1,
    (SELECT COUNT(*) FROM cascade_entities WHERE tenant = $1 AND graph = $2),
    (SELECT COUNT(*) FROM cascade_dependencies WHERE tenant = $1 AND graph = $2),
    $4, nextval('cascade_graph_stamps'))
  ON CONFLICT (tenant, name) DO UPDATE SET updated = excluded.updated, version = cascade_graphs.version + 1,
    entities = excluded.entities, dependencies = excluded.dependencies, source = excluded.source, stamp = excluded.stamp
  RETURNING ${GRAPH_COLUMNS}`;

interface StampedRow extends GraphRow {
  readonly stamp: number;
}

interface DependencyRow {
  readonly source: string;
  readonly target: string;
  readonly type: DependencyType;
  readonly strength: number;
  readonly tti: number;
  readonly recovery: number;
}

/** `rows` as INSERT … SELECT statements of `text`, `CHUNK` rows of JSON each. */
function chunks(text: string, tenant: string, graph: string, rows: readonly object[]): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += CHUNK)
    out.push({ text, params: [tenant, graph, JSON.stringify(rows.slice(i, i + CHUNK))] });
  return out;
}

/** The graph store on PostgreSQL. */
export class PgGraphStore implements GraphStore {
  readonly #pg: SyncPg;
  readonly #now: () => number;
  readonly #cache = new CompiledGraphs();

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  list(ctx: AuthContext): GraphInfo[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    return this.#pg
      .query<GraphRow>(`SELECT ${GRAPH_COLUMNS} FROM cascade_graphs WHERE tenant = $1 ORDER BY name`, [ctx.tenant])
      .map(toGraphInfo);
  }

  info(ctx: AuthContext, name: string): GraphInfo | undefined {
    const row = this.#row(ctx, name);
    return row ? toGraphInfo(row) : undefined;
  }

  put(ctx: AuthContext, name: string, data: GraphData, o: PutOptions = {}): GraphInfo {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    graphName(name);
    const t = ctx.tenant;
    // A later row of one id (or one source and target) overwrites an earlier one, as the SQLite
    // store's row-by-row upserts do; one INSERT may not touch a row twice, so keep the last here.
    const entities = new Map<string, { id: string; asset: string | null; doc: string }>();
    for (const e of data.entities) entities.set(e.id, { id: e.id, asset: assetKey(e), doc: JSON.stringify(e) });
    const named = new Map<string, { id: string; doc: string }>();
    const deps = new Map<string, DependencyRow>();
    for (const d of data.dependencies) {
      for (const id of [d.source, d.target])
        if (!entities.has(id) && !named.has(id)) named.set(id, { id, doc: placeholderDoc(id) });
      deps.set(`${d.source}\u0000${d.target}`, {
        source: d.source,
        target: d.target,
        type: d.type,
        strength: d.strength,
        tti: d.ttiHours,
        recovery: d.recoveryHours,
      });
    }
    const st: Statement[] = [{ text: LOCK, params: [t, name] }];
    if (o.mode !== 'merge')
      st.push(
        { text: 'DELETE FROM cascade_entities WHERE tenant = $1 AND graph = $2', params: [t, name] },
        { text: 'DELETE FROM cascade_dependencies WHERE tenant = $1 AND graph = $2', params: [t, name] },
      );
    st.push(
      ...chunks(PUT_ENTITIES, t, name, [...entities.values()]),
      ...chunks(ADD_ENTITIES, t, name, [...named.values()]),
      ...chunks(PUT_DEPENDENCIES, t, name, [...deps.values()]),
      { text: PUT_GRAPH, params: [t, name, this.#now(), o.source ?? 'api'] },
    );
    const results = this.#pg.transaction(() => this.#pg.batch(st));
    this.#cache.forget(t, name);
    const [row] = (results.at(-1)?.rows ?? []) as unknown as GraphRow[];
    if (!row) throw new AppError('INTERNAL', `graph ${name} was written but not returned`);
    return toGraphInfo(row);
  }

  delete(ctx: AuthContext, name: string): boolean {
    requireRole(ctx, CASCADE_WRITE_ROLES);
    const t = ctx.tenant;
    graphName(name);
    const results = this.#pg.transaction(() =>
      this.#pg.batch([
        { text: LOCK, params: [t, name] },
        { text: 'DELETE FROM cascade_entities WHERE tenant = $1 AND graph = $2', params: [t, name] },
        { text: 'DELETE FROM cascade_dependencies WHERE tenant = $1 AND graph = $2', params: [t, name] },
        { text: 'DELETE FROM cascade_graphs WHERE tenant = $1 AND name = $2', params: [t, name] },
      ]),
    );
    this.#cache.forget(t, name);
    return (results[3]?.count ?? 0) > 0;
  }

  data(ctx: AuthContext, name: string): GraphData {
    requireRole(ctx, CASCADE_READ_ROLES);
    const read = this.#read(ctx, graphName(name));
    if (!read) throw new AppError('NOT_FOUND', `no graph ${name}`);
    return read.data;
  }

  load(ctx: AuthContext, name: string): LoadedGraph {
    const row = this.#row(ctx, name);
    if (!row) throw new AppError('NOT_FOUND', `no graph ${name}`);
    const hit = this.#cache.get(ctx.tenant, name, row.stamp);
    if (hit) return hit;
    // Summary, data and stamp from one snapshot: what is cached is what that stamp stood for.
    const read = this.#read(ctx, name);
    if (!read) throw new AppError('NOT_FOUND', `no graph ${name}`);
    return this.#cache.set(ctx.tenant, toGraphInfo(read.row), read.row.stamp, read.data);
  }

  entitiesOfAsset(ctx: AuthContext, hosts: readonly string[]): { graph: string; entity: Entity }[] {
    requireRole(ctx, CASCADE_READ_ROLES);
    if (hosts.length === 0) return [];
    const st = [...new Set(hosts.map((h) => h.toLowerCase()))].map((h) => ({
      text: 'SELECT graph, doc FROM cascade_entities WHERE tenant = $1 AND asset = $2 ORDER BY graph, id',
      params: [ctx.tenant, h],
    }));
    return this.#pg.batch(st).flatMap((r) =>
      (r.rows as unknown as { graph: string; doc: string }[]).map((x) => ({
        graph: x.graph,
        entity: toEntity(x.doc),
      })),
    );
  }

  /** The graph's row with its stamp (checks the role and the name). */
  #row(ctx: AuthContext, name: string): StampedRow | undefined {
    requireRole(ctx, CASCADE_READ_ROLES);
    const [row] = this.#pg.query<StampedRow>(
      `SELECT ${GRAPH_COLUMNS}, stamp FROM cascade_graphs WHERE tenant = $1 AND name = $2`,
      [ctx.tenant, graphName(name)],
    );
    return row;
  }

  /** The row and the whole graph, from one snapshot; undefined when there is no such graph. */
  #read(ctx: AuthContext, name: string): { row: StampedRow; data: GraphData } | undefined {
    const p = [ctx.tenant, name];
    const st: Statement[] = [
      { text: `SELECT ${GRAPH_COLUMNS}, stamp FROM cascade_graphs WHERE tenant = $1 AND name = $2`, params: p },
      { text: 'SELECT doc FROM cascade_entities WHERE tenant = $1 AND graph = $2 ORDER BY id', params: p },
      {
        text: `SELECT source, target, type, strength, tti, recovery FROM cascade_dependencies
                WHERE tenant = $1 AND graph = $2 ORDER BY source, target`,
        params: p,
      },
    ];
    // Inside a caller's transaction the snapshot is the caller's to choose.
    const outer = this.#pg.inTransaction;
    const results = this.#pg.transaction(() =>
      this.#pg.batch(outer ? st : [{ text: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY' }, ...st]),
    );
    const [info, ents, dps] = results.slice(outer ? 0 : 1) as unknown as [
      { rows: StampedRow[] },
      { rows: { doc: string }[] },
      { rows: DependencyRow[] },
    ];
    const [row] = info.rows;
    if (!row) return undefined;
    return {
      row,
      data: {
        entities: ents.rows.map((r) => toEntity(r.doc)),
        dependencies: dps.rows.map((r) => toDependency(r.source, r.target, r.type, r.strength, r.tti, r.recovery)),
      },
    };
  }
}
