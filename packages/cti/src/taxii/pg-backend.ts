/**
 * @module
 * PostgreSQL implementation of the TAXII server's storage, over the synchronous bridge (`SyncPg`
 * of `@intersoc/storage/postgres`), so the TAXII server and the federation call it as they call
 * `SqliteTaxiiBackend`. Tables of migration step 22 (`intersoc db migrate`); the statements are
 * the SQLite backend's in `$n` placeholders, and rows map through the same `backend-rows.ts`.
 *
 * Several processes may add to one collection: each add locks the one-row `taxii_clock` until
 * it commits, so `date_added` strictly increases across processes and rows become visible in
 * `date_added` order — a client resuming from `added_after` never misses one committed late.
 */
import { randomUUID } from 'node:crypto';
import type { SqlParam, Statement, SyncPg } from '@intersoc/storage/postgres';
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

/** Creates the given API roots (when missing: existing ones are updated) on a migrated store. */
export function openPgTaxiiBackend(pg: SyncPg, roots: readonly ApiRootInfo[] = []): PgTaxiiBackend {
  const b = new PgTaxiiBackend(pg);
  for (const r of roots) b.putApiRoot(r);
  return b;
}

/** The TAXII backend on PostgreSQL. */
export class PgTaxiiBackend implements TaxiiStore {
  readonly #pg: SyncPg;

  /**
   * `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`); the bridge stays
   * its opener's to close.
   */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  putApiRoot(r: ApiRootInfo): void {
    this.#pg.run(
      `INSERT INTO taxii_api_roots (name, title, description, max_content_length) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
         max_content_length = EXCLUDED.max_content_length`,
      [r.name, r.title, r.description ?? null, r.maxContentLength],
    );
  }

  apiRoots(): ApiRootInfo[] {
    return this.#pg.query<ApiRootRow>('SELECT * FROM taxii_api_roots ORDER BY name').map(toApiRoot);
  }

  collections(apiRoot: string): TaxiiCollection[] {
    return this.#pg
      .query<CollRow>('SELECT * FROM taxii_collections WHERE api_root = $1 ORDER BY id', [apiRoot])
      .map(toCollection);
  }

  collection(apiRoot: string, id: string): TaxiiCollection | undefined {
    // An id wins over another collection's alias of the same text.
    const [r] = this.#pg.query<CollRow>(
      'SELECT * FROM taxii_collections WHERE api_root = $1 AND (id = $2 OR alias = $2) ORDER BY id = $2 DESC, id LIMIT 1',
      [apiRoot, id],
    );
    return r ? toCollection(r) : undefined;
  }

  putCollection(c: TaxiiCollection): void {
    this.#pg.run(
      `INSERT INTO taxii_collections (api_root, id, title, description, alias, media_types, acl)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (api_root, id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
         alias = EXCLUDED.alias, media_types = EXCLUDED.media_types, acl = EXCLUDED.acl`,
      collectionParams(c),
    );
  }

  addObjects(
    apiRoot: string,
    collection: string,
    objects: readonly Readonly<Record<string, unknown>>[],
    dateAdded?: readonly (number | undefined)[],
  ): AddOutcome[] {
    if (objects.length === 0) return [];
    return this.#pg.transaction(() => {
      // The clock row stays locked until COMMIT: adds are serialised and commit in date order.
      const [clockRow] = this.#pg.query<{ last: number }>('SELECT last FROM taxii_clock WHERE id = 1 FOR UPDATE');
      const clock = assignDates(clockRow?.last ?? 0, Date.now() * 1000, objects.length, dateAdded);
      const columns = objects.map((o, i) => ({ c: addedColumns(o, clock.dates[i] ?? 0), added: clock.dates[i] ?? 0 }));
      const statements: Statement[] = columns.map(({ c, added }) => ({
        // SCOs (no created/modified) have a single version: a repeat is the same object. Earlier
        // statements of the batch are visible to later ones, as in SQLite's loop.
        text: c.stamped
          ? `INSERT INTO taxii_objects (api_root, collection, id, version, type, spec_version, date_added, tlp, json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`
          : `INSERT INTO taxii_objects (api_root, collection, id, version, type, spec_version, date_added, tlp, json)
             SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bigint, $8::text, $9::text
             WHERE NOT EXISTS (SELECT 1 FROM taxii_objects WHERE api_root = $1 AND collection = $2 AND id = $3)
             ON CONFLICT DO NOTHING`,
        params: [apiRoot, collection, c.id, c.version, c.type, c.specVersion, added, c.tlp, c.json],
      }));
      statements.push({ text: 'UPDATE taxii_clock SET last = $1 WHERE id = 1', params: [clock.last] });
      const results = this.#pg.batch(statements);
      return columns.map(({ c }, i): AddOutcome => {
        const added = (results[i]?.count ?? 0) > 0;
        return { id: c.id, version: !c.stamped && !added ? '' : c.version, added };
      });
    });
  }

  queryObjects(apiRoot: string, collection: string, f: ObjectFilter): TaxiiRecord[] {
    const params: SqlParam[] = [apiRoot, collection];
    const where = ['api_root = $1', 'collection = $2'];
    // PostgreSQL has no empty `IN ()`: an empty list matches nothing, as it does in SQLite.
    const inList = (col: string, vals: readonly SqlParam[]): void => {
      where.push(vals.length === 0 ? 'false' : `${col} IN (${add(params, vals).join(',')})`);
    };
    if (f.ids && f.ids.length > 0) inList('id', f.ids);
    if (f.types && f.types.length > 0) inList('type', f.types);
    if (f.tlps) inList('tlp', f.tlps);
    const same =
      'o2.api_root = taxii_objects.api_root AND o2.collection = taxii_objects.collection AND o2.id = taxii_objects.id';
    const explicitSpec = f.specVersions !== undefined && f.specVersions.length > 0;
    if (explicitSpec) inList('spec_version', f.specVersions ?? []);
    else where.push(`spec_version = (SELECT max(o2.spec_version) FROM taxii_objects o2 WHERE ${same})`);
    const specScope = explicitSpec ? '' : ' AND o2.spec_version = taxii_objects.spec_version';
    const v = f.versions ?? 'last';
    if (v === 'last' || v === 'first') {
      where.push(
        `version = (SELECT ${v === 'last' ? 'max' : 'min'}(o2.version) FROM taxii_objects o2 WHERE ${same}${specScope})`,
      );
    } else if (Array.isArray(v)) inList('version', v as readonly string[]);
    if (f.addedAfter !== undefined) where.push(`date_added > ${add(params, [f.addedAfter]).join('')}`);
    if (f.after !== undefined) {
      // A row comparison range-scans the (api_root, collection, date_added, seq) index.
      where.push(`(date_added, seq) > (${add(params, [f.after.dateAdded, f.after.seq]).join(', ')})`);
    }
    return this.#pg
      .query<ObjRow>(
        `SELECT ${OBJ_COLUMNS} FROM taxii_objects WHERE ${where.join(' AND ')} ORDER BY date_added, seq LIMIT ${add(params, [f.limit + 1]).join('')}`,
        params,
      )
      .map(toRecord);
  }

  deleteObject(apiRoot: string, collection: string, id: string, versions?: readonly string[]): number {
    const params: SqlParam[] = [apiRoot, collection, id];
    const only = versions && versions.length > 0 ? ` AND version IN (${add(params, versions).join(',')})` : '';
    return this.#pg.run(`DELETE FROM taxii_objects WHERE api_root = $1 AND collection = $2 AND id = $3${only}`, params);
  }

  saveStatus(apiRoot: string, status: Readonly<Record<string, unknown>>, owner: string): void {
    this.#pg.run(
      `INSERT INTO taxii_status (api_root, id, created, json, owner) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (api_root, id) DO UPDATE SET created = EXCLUDED.created, json = EXCLUDED.json, owner = EXCLUDED.owner`,
      [apiRoot, String(status['id'] ?? randomUUID()), Date.now(), JSON.stringify(status), owner],
    );
  }

  status(apiRoot: string, id: string, owner: string): Record<string, unknown> | undefined {
    if (owner === '') return undefined;
    const [r] = this.#pg.query<{ json: string }>(
      'SELECT json FROM taxii_status WHERE api_root = $1 AND id = $2 AND owner = $3',
      [apiRoot, id, owner],
    );
    return r ? (JSON.parse(r.json) as Record<string, unknown>) : undefined;
  }

  pruneStatus(maxAgeMs: number): number {
    return this.#pg.run('DELETE FROM taxii_status WHERE created < $1', [Date.now() - maxAgeMs]);
  }
}

/** Appends `values` to `params`; returns their placeholders. */
function add(params: SqlParam[], values: readonly SqlParam[]): string[] {
  return values.map((v) => {
    params.push(v);
    return `$${params.length}`;
  });
}
