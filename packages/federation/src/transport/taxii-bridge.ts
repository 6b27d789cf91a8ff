/**
 * @module
 * The TAXII backend of a node: the CTI core's SQLite backend, bridged to the CTI store. Objects
 * posted to a tenant's collection are validated and stored in that tenant's CTI store (where
 * detection reads them) and in the collection; objects a peer posts to its inbox go through the
 * federation's verification instead, and outboxes are read-only.
 */
import { systemContext } from '@intersoc/core';
import type {
  AddOutcome,
  ApiRootInfo,
  CtiStore,
  ObjectFilter,
  TaxiiBackend,
  TaxiiCollection,
  TaxiiRecord,
  TaxiiStore,
} from '@intersoc/cti';
import { FEDERATION_ROOT } from './peer-client.js';

/** What the bridge connects. */
export interface BridgeOptions {
  readonly base: TaxiiStore;
  readonly cti: CtiStore;
  /** Handles a peer's inbox posts (the federation); without it inboxes refuse everything. */
  readonly inbox?: (peer: string, objects: readonly Readonly<Record<string, unknown>>[]) => AddOutcome[];
  /** Called when a tenant's intelligence changed. */
  readonly onIntelChanged?: (tenant: string) => void;
  /**
   * Runs a user's post as one transaction of the database `base` and `cti` share (SQLite's
   * `db.transaction`, PostgreSQL's `pg.transaction`), so an object is in both or in neither;
   * without it the CTI store and the collection commit one after the other.
   */
  readonly atomically?: <T>(fn: () => T) => T;
}

/** The bridged backend. */
export class TaxiiBridge implements TaxiiBackend {
  constructor(private readonly o: BridgeOptions) {}

  apiRoots(): ApiRootInfo[] {
    return this.o.base.apiRoots();
  }
  collections(apiRoot: string): TaxiiCollection[] {
    return this.o.base.collections(apiRoot);
  }
  collection(apiRoot: string, id: string): TaxiiCollection | undefined {
    return this.o.base.collection(apiRoot, id);
  }
  putCollection(c: TaxiiCollection): void {
    this.o.base.putCollection(c);
  }
  queryObjects(apiRoot: string, collection: string, f: ObjectFilter): TaxiiRecord[] {
    return this.o.base.queryObjects(apiRoot, collection, f);
  }
  deleteObject(apiRoot: string, collection: string, id: string, versions?: readonly string[]): number {
    return this.o.base.deleteObject(apiRoot, collection, id, versions);
  }
  saveStatus(apiRoot: string, status: Readonly<Record<string, unknown>>, owner: string): void {
    this.o.base.saveStatus(apiRoot, status, owner);
  }
  status(apiRoot: string, id: string, owner: string): Record<string, unknown> | undefined {
    return this.o.base.status(apiRoot, id, owner);
  }
  pruneStatus(maxAgeMs: number): number {
    return this.o.base.pruneStatus(maxAgeMs);
  }

  addObjects(
    apiRoot: string,
    collection: string,
    objects: readonly Readonly<Record<string, unknown>>[],
    dateAdded?: readonly (number | undefined)[],
  ): AddOutcome[] {
    if (apiRoot === FEDERATION_ROOT) {
      const peer = collection.startsWith('inbox-') ? collection.slice('inbox-'.length) : undefined;
      if (peer && this.o.inbox) return this.o.inbox(peer, objects);
      return objects.map((x) => ({ id: String(x['id']), version: '', added: false, error: 'collection is read-only' }));
    }
    const c = this.o.base.collection(apiRoot, collection);
    if (!c) return this.o.base.addObjects(apiRoot, collection, objects, dateAdded);
    const { atomically } = this.o;
    const out = atomically
      ? atomically(() => this.addToTenant(c, objects, dateAdded))
      : this.addToTenant(c, objects, dateAdded);
    if (out.changed) this.o.onIntelChanged?.(c.acl.tenant);
    return out.outcomes;
  }

  /** Stores a user's post in the tenant's CTI store and, what it accepts, in the collection. */
  private addToTenant(
    c: TaxiiCollection,
    objects: readonly Readonly<Record<string, unknown>>[],
    dateAdded: readonly (number | undefined)[] | undefined,
  ): { outcomes: AddOutcome[]; changed: boolean } {
    const { apiRoot } = c;
    // The CTI store validates; only what it accepts enters the collection too.
    const put = this.o.cti.put(systemContext(c.acl.tenant), objects, { source: 'taxii', via: `${apiRoot}/${c.id}` });
    const accepted: Readonly<Record<string, unknown>>[] = [];
    const acceptedAt: number[] = [];
    const out: AddOutcome[] = new Array<AddOutcome>(objects.length);
    put.forEach((p, i) => {
      if (p.status === 'rejected')
        out[i] = { id: p.id, version: p.version, added: false, error: p.reason ?? 'invalid' };
      else {
        accepted.push(objects[i] as Readonly<Record<string, unknown>>);
        acceptedAt.push(i);
      }
    });
    const added = this.o.base.addObjects(
      apiRoot,
      c.id,
      accepted,
      dateAdded === undefined ? undefined : acceptedAt.map((i) => dateAdded[i]),
    );
    added.forEach((a, k) => (out[acceptedAt[k] as number] = a));
    return { outcomes: out, changed: put.some((p) => p.status === 'added') };
  }
}
