/**
 * @module
 * What the SQLite and PostgreSQL inventories share: the stored document of an asset (built and
 * validated once, so both stores write the same JSON), the listing's text filter, and the cache of
 * per-tenant lookup indexes. The index is read per alert, far too often for a database round trip,
 * so each store keeps it in memory; a per-tenant version number, bumped by every write in the same
 * transaction, tells a process when another one changed the inventory.
 */
import { AppError } from '@intersoc/core';
import { AssetIndex } from './asset-index.js';
import { canonicalHost, canonicalUser } from './names.js';
import { CRITICALITIES, type Asset, type AssetInput, type AssetKind } from './types.js';

/** A stored asset row, as both stores read it. */
export interface AssetRow {
  doc: string;
}

/** The asset of a row. */
export function toAsset(r: AssetRow): Asset {
  return JSON.parse(r.doc) as Asset;
}

/** The key an asset is stored under: canonical host or account name. */
export function canonicalAssetName(kind: AssetKind, name: string): string {
  return kind === 'host' ? canonicalHost(name) : canonicalUser(name);
}

/** The stored document of an input, or `VALIDATION` (unknown criticality, empty name). */
export function assetDoc(tenant: string, a: AssetInput, now: number): Asset {
  if (!CRITICALITIES.includes(a.criticality)) throw new AppError('VALIDATION', `criticality ${a.criticality}`);
  const name = canonicalAssetName(a.kind, a.name);
  if (name.length === 0) throw new AppError('VALIDATION', 'asset name is empty');
  return {
    tenant,
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
}

/** Assets whose name, an alias or an address contains `q` (case-insensitive); all when `q` is blank. */
export function filterAssets(all: readonly Asset[], q: string | undefined): readonly Asset[] {
  const needle = q?.trim().toLowerCase();
  if (!needle) return all;
  return all.filter(
    (a) =>
      a.name.includes(needle) ||
      a.aliases.some((x) => x.toLowerCase().includes(needle)) ||
      a.ips.some((x) => x.includes(needle)),
  );
}

/** How the lookup cache checks for changes made by other processes. */
export interface LookupCacheOptions {
  /**
   * How long a tenant's index is used without asking the database whether another process changed
   * the inventory, ms (default 1,000; 0 asks on every lookup). Writes through this store instance
   * are seen at once.
   */
  readonly refreshMs?: number;
  /** Clock of that interval (default `performance.now`): not the store's `now`, which tests freeze. */
  readonly clock?: () => number;
}

interface Entry {
  readonly index: AssetIndex;
  readonly version: number;
  checked: number;
}

/** Per-tenant lookup indexes, rebuilt when the tenant's inventory version moved. */
export class LookupCache {
  readonly #entries = new Map<string, Entry>();
  readonly #refreshMs: number;
  readonly #clock: () => number;

  /**
   * `version` reads the tenant's inventory version (0 when it never changed); `load` its assets.
   * The version is read before the assets, so a write in between only causes one more rebuild.
   */
  constructor(
    private readonly version: (tenant: string) => number,
    private readonly load: (tenant: string) => readonly Asset[],
    o: LookupCacheOptions = {},
  ) {
    this.#refreshMs = o.refreshMs ?? 1_000;
    this.#clock = o.clock ?? (() => performance.now());
  }

  /** The tenant's index, checked against the database at most once per `refreshMs`. */
  get(tenant: string): AssetIndex {
    const e = this.#entries.get(tenant);
    const t = this.#clock();
    if (e && t - e.checked < this.#refreshMs) return e.index;
    const version = this.version(tenant);
    if (e && e.version === version) {
      e.checked = t;
      return e.index;
    }
    const index = new AssetIndex(this.load(tenant));
    this.#entries.set(tenant, { index, version, checked: t });
    return index;
  }

  /** Forgets a tenant's index (after a write through this instance). */
  invalidate(tenant: string): void {
    this.#entries.delete(tenant);
  }
}
