/**
 * @module
 * The TAXII server's storage contract, implemented by the SQLite backend (`backend.ts`) and the
 * PostgreSQL one (`pg-backend.ts`): API roots, collections with per-tenant/partner permissions,
 * the object versions of each collection with their `date_added`, and status resources.
 */
import type { TlpLevel } from '../taxonomies/tlp.js';

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

/**
 * The backend plus the management of API roots: what the node opens and the federation
 * configures. `SqliteTaxiiBackend` and `PgTaxiiBackend` implement it; bridges that wrap a store
 * (the federation's `TaxiiBridge`) implement `TaxiiBackend` only.
 */
export interface TaxiiStore extends TaxiiBackend {
  /** Creates or updates an API root. */
  putApiRoot(r: ApiRootInfo): void;
}
