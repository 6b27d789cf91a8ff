/**
 * @module
 * Storage behind the TAXII server: API roots, collections with per-tenant/partner permissions,
 * the objects of each collection with their `date_added`, and status resources. `date_added`
 * is kept in microseconds and strictly increases per insert, so paging and `added_after` are
 * exact. The contract (`backend-types.ts`) and the row mapping (`backend-rows.ts`) are shared
 * with the PostgreSQL backend (`pg-backend.ts`).
 */
import { randomUUID } from 'node:crypto';
import { migrate, openDatabase, type SqliteDb } from '@intersoc/storage';
import {
  addedColumns,
  assignDates,
  collectionParams,
  OBJ_COLUMNS,
  toApiRoot,
  toCollection,
  toRecord,
  type ApiRootRow,
  type CollRow,
  type ObjRow,
} from './backend-rows.js';
import type {
  AddOutcome,
  ApiRootInfo,
  ObjectFilter,
  TaxiiCollection,
  TaxiiRecord,
  TaxiiStore,
} from './backend-types.js';

export type {
  AddOutcome,
  ApiRootInfo,
  CollectionAcl,
  ObjectFilter,
  TaxiiBackend,
  TaxiiCollection,
  TaxiiRecord,
  TaxiiStore,
} from './backend-types.js';

const MIGRATIONS = [
  `CREATE TABLE taxii_api_roots (name TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT, max_content_length INTEGER NOT NULL);
   CREATE TABLE taxii_collections (
     api_root TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, description TEXT, alias TEXT,
     media_types TEXT NOT NULL, acl TEXT NOT NULL, PRIMARY KEY (api_root, id));
   CREATE TABLE taxii_objects (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     api_root TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL,
     type TEXT NOT NULL, spec_version TEXT NOT NULL, date_added INTEGER NOT NULL, tlp TEXT NOT NULL, json TEXT NOT NULL,
     UNIQUE (api_root, collection, id, version));
   CREATE INDEX taxii_objects_added ON taxii_objects (api_root, collection, date_added);
   CREATE INDEX taxii_objects_id ON taxii_objects (api_root, collection, id);
   CREATE TABLE taxii_status (api_root TEXT NOT NULL, id TEXT NOT NULL, created INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (api_root, id));`,
  // Status resources belong to their poster; rows from before have no owner and stay unreadable.
  `ALTER TABLE taxii_status ADD COLUMN owner TEXT NOT NULL DEFAULT '';`,
];

/** The statement methods used here. */
interface Stmt {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** Opens the SQLite TAXII backend, creating the given API roots when missing. */
export function openSqliteTaxiiBackend(db: string | SqliteDb, roots: readonly ApiRootInfo[] = []): SqliteTaxiiBackend {
  const handle = typeof db === 'string' ? openDatabase(db) : db;
  migrate(handle, 'taxii', MIGRATIONS);
  const b = new SqliteTaxiiBackend(handle);
  for (const r of roots) b.putApiRoot(r);
  return b;
}

/** SQLite implementation. */
export class SqliteTaxiiBackend implements TaxiiStore {
  private lastAdded = 0;
  private readonly statements = new Map<string, Stmt>();

  /** A prepared statement, compiled once per SQL text (preparing costs more than running). */
  private stmt(sql: string): Stmt {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql) as unknown as Stmt;
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  constructor(readonly db: SqliteDb) {
    const r = db.prepare('SELECT MAX(date_added) AS m FROM taxii_objects').get() as { m: number | null };
    this.lastAdded = r.m ?? 0;
  }

  putApiRoot(r: ApiRootInfo): void {
    this.stmt(
      'INSERT OR REPLACE INTO taxii_api_roots (name, title, description, max_content_length) VALUES (?, ?, ?, ?)',
    ).run(r.name, r.title, r.description ?? null, r.maxContentLength);
  }

  apiRoots(): ApiRootInfo[] {
    return (this.stmt('SELECT * FROM taxii_api_roots ORDER BY name').all() as ApiRootRow[]).map(toApiRoot);
  }

  collections(apiRoot: string): TaxiiCollection[] {
    return (this.stmt('SELECT * FROM taxii_collections WHERE api_root = ? ORDER BY id').all(apiRoot) as CollRow[]).map(
      toCollection,
    );
  }

  collection(apiRoot: string, id: string): TaxiiCollection | undefined {
    // An id wins over another collection's alias of the same text.
    const r = this.stmt(
      'SELECT * FROM taxii_collections WHERE api_root = ? AND (id = ? OR alias = ?) ORDER BY id = ? DESC, id LIMIT 1',
    ).get(apiRoot, id, id, id) as CollRow | undefined;
    return r ? toCollection(r) : undefined;
  }

  putCollection(c: TaxiiCollection): void {
    this.stmt(
      'INSERT OR REPLACE INTO taxii_collections (api_root, id, title, description, alias, media_types, acl) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(...collectionParams(c));
  }

  addObjects(
    apiRoot: string,
    collection: string,
    objects: readonly Readonly<Record<string, unknown>>[],
    dateAdded?: readonly (number | undefined)[],
  ): AddOutcome[] {
    const insert = this.stmt(
      `INSERT OR IGNORE INTO taxii_objects (api_root, collection, id, version, type, spec_version, date_added, tlp, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const exists = this.stmt('SELECT 1 FROM taxii_objects WHERE api_root = ? AND collection = ? AND id = ? LIMIT 1');
    const latest = this.stmt('SELECT MAX(date_added) AS m FROM taxii_objects WHERE api_root = ? AND collection = ?');
    const out: AddOutcome[] = [];
    // IMMEDIATE takes the write lock before reading the collection's latest date_added: another
    // process adding to the same file cannot interleave, so values stay strictly increasing.
    this.db
      .transaction(() => {
        const { m } = latest.get(apiRoot, collection) as { m: number | null };
        const clock = assignDates(Math.max(this.lastAdded, m ?? 0), Date.now() * 1000, objects.length, dateAdded);
        this.lastAdded = clock.last;
        objects.forEach((o, i) => {
          const added = clock.dates[i] ?? 0;
          const c = addedColumns(o, added);
          // SCOs without created/modified have a single version; a repeat is the same object.
          if (!c.stamped && exists.get(apiRoot, collection, c.id)) {
            out.push({ id: c.id, version: '', added: false });
            return;
          }
          const r = insert.run(apiRoot, collection, c.id, c.version, c.type, c.specVersion, added, c.tlp, c.json);
          out.push({ id: c.id, version: c.version, added: r.changes > 0 });
        });
      })
      .immediate();
    return out;
  }

  queryObjects(apiRoot: string, collection: string, f: ObjectFilter): TaxiiRecord[] {
    const where = ['api_root = ?', 'collection = ?'];
    const params: unknown[] = [apiRoot, collection];
    const inList = (col: string, vals: readonly unknown[]): void => {
      where.push(`${col} IN (${vals.map(() => '?').join(',')})`);
      params.push(...vals);
    };
    if (f.ids && f.ids.length > 0) inList('id', f.ids);
    if (f.types && f.types.length > 0) inList('type', f.types);
    if (f.tlps) inList('tlp', f.tlps);
    const same =
      'o2.api_root = taxii_objects.api_root AND o2.collection = taxii_objects.collection AND o2.id = taxii_objects.id';
    if (f.specVersions && f.specVersions.length > 0) inList('spec_version', f.specVersions);
    else where.push(`spec_version = (SELECT MAX(o2.spec_version) FROM taxii_objects o2 WHERE ${same})`);
    const specScope =
      f.specVersions && f.specVersions.length > 0 ? '' : ' AND o2.spec_version = taxii_objects.spec_version';
    const v = f.versions ?? 'last';
    if (v === 'last' || v === 'first') {
      where.push(
        `version = (SELECT ${v === 'last' ? 'MAX' : 'MIN'}(o2.version) FROM taxii_objects o2 WHERE ${same}${specScope})`,
      );
    } else if (Array.isArray(v)) inList('version', v);
    if (f.addedAfter !== undefined) {
      where.push('date_added > ?');
      params.push(f.addedAfter);
    }
    if (f.after !== undefined) {
      // A row-value comparison lets SQLite range-scan the (collection, date_added) index.
      where.push('(date_added, seq) > (?, ?)');
      params.push(f.after.dateAdded, f.after.seq);
    }
    const rows = this.stmt(
      `SELECT ${OBJ_COLUMNS} FROM taxii_objects WHERE ${where.join(' AND ')} ORDER BY date_added, seq LIMIT ?`,
    ).all(...params, f.limit + 1) as ObjRow[];
    return rows.map(toRecord);
  }

  deleteObject(apiRoot: string, collection: string, id: string, versions?: readonly string[]): number {
    if (versions && versions.length > 0) {
      return this.db
        .prepare(
          `DELETE FROM taxii_objects WHERE api_root = ? AND collection = ? AND id = ? AND version IN (${versions.map(() => '?').join(',')})`,
        )
        .run(apiRoot, collection, id, ...versions).changes;
    }
    return this.stmt('DELETE FROM taxii_objects WHERE api_root = ? AND collection = ? AND id = ?').run(
      apiRoot,
      collection,
      id,
    ).changes;
  }

  saveStatus(apiRoot: string, status: Readonly<Record<string, unknown>>, owner: string): void {
    this.stmt('INSERT OR REPLACE INTO taxii_status (api_root, id, created, json, owner) VALUES (?, ?, ?, ?, ?)').run(
      apiRoot,
      String(status['id'] ?? randomUUID()),
      Date.now(),
      JSON.stringify(status),
      owner,
    );
  }

  status(apiRoot: string, id: string, owner: string): Record<string, unknown> | undefined {
    if (owner === '') return undefined;
    const r = this.stmt('SELECT json FROM taxii_status WHERE api_root = ? AND id = ? AND owner = ?').get(
      apiRoot,
      id,
      owner,
    ) as { json: string } | undefined;
    return r ? (JSON.parse(r.json) as Record<string, unknown>) : undefined;
  }

  pruneStatus(maxAgeMs: number): number {
    return this.stmt('DELETE FROM taxii_status WHERE created < ?').run(Date.now() - maxAgeMs).changes;
  }
}
