/**
 * @module
 * Storage behind the TAXII server: API roots, collections with per-tenant/partner permissions,
 * the objects of each collection with their `date_added`, and status resources. `date_added`
 * is kept in microseconds and strictly increases per insert, so paging and `added_after` are
 * exact. The interface leaves room for a PostgreSQL implementation.
 */
import { randomUUID } from 'node:crypto';
import { migrate, openDatabase, type SqliteDb } from '@intersoc/storage';
import { strictestTlp, type TlpLevel } from '../taxonomies/tlp.js';
import { taxiiTimestamp } from './media.js';

/** Who may read or write a collection, besides the owner tenant's own members. */
export interface CollectionAcl {
  /** Owner tenant: its admins and analysts read and write, its viewers read. */
  readonly tenant: string;
  /** Principals allowed to read: `tenant:<name>`, `partner:<user>`, `user:<name>`, `*`. */
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Most restrictive TLP that principals outside the owner tenant may read. */
  readonly maxTlp?: TlpLevel;
}

/** A collection. */
export interface TaxiiCollection {
  readonly apiRoot: string;
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly alias?: string;
  readonly mediaTypes: readonly string[];
  readonly acl: CollectionAcl;
}

/** An API root's description. */
export interface ApiRootInfo {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly maxContentLength: number;
}

/** One stored object version. */
export interface TaxiiRecord {
  readonly seq: number;
  readonly id: string;
  readonly version: string;
  readonly type: string;
  readonly specVersion: string;
  /** Epoch microseconds. */
  readonly dateAdded: number;
  readonly tlp?: TlpLevel;
  readonly json: string;
}

/** Filters of object queries. */
export interface ObjectFilter {
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  /** `last` (default), `first`, `all`, or explicit version timestamps. */
  readonly versions?: 'last' | 'first' | 'all' | readonly string[];
  /** Spec versions; default: the latest spec version of each object. */
  readonly specVersions?: readonly string[];
  /** Epoch microseconds, exclusive. */
  readonly addedAfter?: number;
  /** Only records after this position in (date_added, seq) order (paging). */
  readonly after?: { readonly dateAdded: number; readonly seq: number };
  /** TLP levels readable ('' = unmarked); undefined = all. */
  readonly tlps?: readonly string[];
  readonly limit: number;
}

/** Outcome of adding one object. */
export interface AddOutcome {
  readonly id: string;
  readonly version: string;
  readonly added: boolean;
  /** Why the object was refused (reported as a failure in the status resource). */
  readonly error?: string;
}

/** Storage of the TAXII server. */
export interface TaxiiBackend {
  apiRoots(): ApiRootInfo[];
  collections(apiRoot: string): TaxiiCollection[];
  collection(apiRoot: string, id: string): TaxiiCollection | undefined;
  putCollection(c: TaxiiCollection): void;
  /**
   * Adds objects; `dateAdded` (epoch µs per object) imports records with their original
   * date_added, e.g. when migrating a collection; by default the node's clock is used.
   */
  addObjects(
    apiRoot: string,
    collection: string,
    objects: readonly Readonly<Record<string, unknown>>[],
    dateAdded?: readonly (number | undefined)[],
  ): AddOutcome[];
  /** Returns up to `limit + 1` records so callers know whether more follow. */
  queryObjects(apiRoot: string, collection: string, f: ObjectFilter): TaxiiRecord[];
  deleteObject(apiRoot: string, collection: string, id: string, versions?: readonly string[]): number;
  /** Keeps a status resource for its `owner` (`tenant/user` of the poster). */
  saveStatus(apiRoot: string, status: Readonly<Record<string, unknown>>, owner: string): void;
  /** A status resource, only for the owner it was saved for. */
  status(apiRoot: string, id: string, owner: string): Record<string, unknown> | undefined;
  /** Removes status resources older than `maxAgeMs`. */
  pruneStatus(maxAgeMs: number): number;
}

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

interface ObjRow {
  seq: number;
  id: string;
  version: string;
  type: string;
  spec_version: string;
  date_added: number;
  tlp: string;
  json: string;
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
export class SqliteTaxiiBackend implements TaxiiBackend {
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

  /** Creates or updates an API root. */
  putApiRoot(r: ApiRootInfo): void {
    this.stmt(
      'INSERT OR REPLACE INTO taxii_api_roots (name, title, description, max_content_length) VALUES (?, ?, ?, ?)',
    ).run(r.name, r.title, r.description ?? null, r.maxContentLength);
  }

  apiRoots(): ApiRootInfo[] {
    return (
      this.stmt('SELECT * FROM taxii_api_roots ORDER BY name').all() as {
        name: string;
        title: string;
        description: string | null;
        max_content_length: number;
      }[]
    ).map((r) => ({
      name: r.name,
      title: r.title,
      maxContentLength: r.max_content_length,
      ...(r.description === null ? {} : { description: r.description }),
    }));
  }

  collections(apiRoot: string): TaxiiCollection[] {
    return (this.stmt('SELECT * FROM taxii_collections WHERE api_root = ? ORDER BY id').all(apiRoot) as CollRow[]).map(
      toCollection,
    );
  }

  collection(apiRoot: string, id: string): TaxiiCollection | undefined {
    const r = this.stmt('SELECT * FROM taxii_collections WHERE api_root = ? AND (id = ? OR alias = ?)').get(
      apiRoot,
      id,
      id,
    ) as CollRow | undefined;
    return r ? toCollection(r) : undefined;
  }

  putCollection(c: TaxiiCollection): void {
    this.stmt(
      'INSERT OR REPLACE INTO taxii_collections (api_root, id, title, description, alias, media_types, acl) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      c.apiRoot,
      c.id,
      c.title,
      c.description ?? null,
      c.alias ?? null,
      JSON.stringify(c.mediaTypes),
      JSON.stringify(c.acl),
    );
  }

  /** Next strictly increasing date_added in microseconds. */
  private nextAdded(): number {
    const now = Date.now() * 1000;
    this.lastAdded = Math.max(now, this.lastAdded + 1);
    return this.lastAdded;
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
    const exists = this.stmt(
      'SELECT 1 FROM taxii_objects WHERE api_root = ? AND collection = ? AND id = ? AND (version = ? OR ? = 1) LIMIT 1',
    );
    const out: AddOutcome[] = [];
    this.db.transaction(() => {
      objects.forEach((o, i) => {
        const id = String(o['id']);
        const stamp = o['modified'] ?? o['created'];
        // SCOs without created/modified have a single version; a repeat is the same object.
        if (typeof stamp !== 'string' && exists.get(apiRoot, collection, id, '', 1)) {
          out.push({ id, version: '', added: false });
          return;
        }
        const given = dateAdded?.[i];
        const added = given ?? this.nextAdded();
        if (given !== undefined) this.lastAdded = Math.max(this.lastAdded, given);
        const version = typeof stamp === 'string' ? stamp : taxiiTimestamp(added);
        const markings = Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as string[]) : [];
        const r = insert.run(
          apiRoot,
          collection,
          id,
          version,
          String(o['type']),
          specVersionOf(o),
          added,
          strictestTlp(markings) ?? '',
          JSON.stringify(o),
        );
        out.push({ id, version, added: r.changes > 0 });
      });
    })();
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
      `SELECT seq, id, version, type, spec_version, date_added, tlp, json FROM taxii_objects WHERE ${where.join(' AND ')} ORDER BY date_added, seq LIMIT ?`,
    ).all(...params, f.limit + 1) as ObjRow[];
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      version: r.version,
      type: r.type,
      specVersion: r.spec_version,
      dateAdded: r.date_added,
      json: r.json,
      ...(r.tlp === '' ? {} : { tlp: r.tlp as TlpLevel }),
    }));
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

/** STIX 2.0 objects have no spec_version; 2.1 SCOs may omit it but also have no `created`. */
function specVersionOf(o: Readonly<Record<string, unknown>>): string {
  if (typeof o['spec_version'] === 'string') return o['spec_version'];
  return o['created'] !== undefined ? '2.0' : '2.1';
}

interface CollRow {
  api_root: string;
  id: string;
  title: string;
  description: string | null;
  alias: string | null;
  media_types: string;
  acl: string;
}

function toCollection(r: CollRow): TaxiiCollection {
  return {
    apiRoot: r.api_root,
    id: r.id,
    title: r.title,
    mediaTypes: JSON.parse(r.media_types) as string[],
    acl: JSON.parse(r.acl) as CollectionAcl,
    ...(r.description === null ? {} : { description: r.description }),
    ...(r.alias === null ? {} : { alias: r.alias }),
  };
}
