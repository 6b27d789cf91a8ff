/**
 * @module
 * The asset inventory: hosts and accounts the node knows, with their criticality, aliases (FQDN,
 * NetBIOS name, addresses) and owner. The incident builder uses it to put network alerts on the
 * right host and to weigh an incident's score by what is at stake.
 */
import type { AuthContext } from '@intersoc/core';

/** How much an asset matters to the organisation. */
export type Criticality = 'low' | 'medium' | 'high' | 'critical';

/** Every criticality, least first. */
export const CRITICALITIES: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];

/** Weight of a criticality in the incident score. Unknown assets count as `medium`. */
export const CRITICALITY_WEIGHT: Readonly<Record<Criticality, number>> = {
  low: 0.4,
  medium: 0.6,
  high: 0.8,
  critical: 1,
};

/** Kinds of asset. */
export type AssetKind = 'host' | 'user';

/** An asset of a tenant. */
export interface Asset {
  readonly tenant: string;
  readonly kind: AssetKind;
  /** Canonical name: short lower-case host name, or lower-case account name without domain. */
  readonly name: string;
  /** Other names it appears under: FQDN, NetBIOS name, `DOMAIN\user`, e-mail. */
  readonly aliases: readonly string[];
  /** Addresses of a host. */
  readonly ips: readonly string[];
  readonly criticality: Criticality;
  /** e.g. `domain-controller`, `file-server`, `workstation`, `web-server`, `admin`. */
  readonly role?: string;
  readonly owner?: string;
  readonly tags: readonly string[];
  /** Where the entry came from: `manual`, `import`, `demo`, `learned`. */
  readonly source: string;
  readonly updated: number;
}

/** What callers give to create or replace an asset. */
export interface AssetInput {
  readonly kind: AssetKind;
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly ips?: readonly string[];
  readonly criticality: Criticality;
  readonly role?: string;
  readonly owner?: string;
  readonly tags?: readonly string[];
  readonly source?: string;
}

/** Fast, synchronous lookups the incident builder makes per alert. */
export interface AssetLookup {
  /** Canonical host name of an alias (name, FQDN, NetBIOS, address), when the inventory knows it. */
  hostOf(alias: string): string | undefined;
  /** Canonical host name of an address. */
  hostOfIp(ip: string): string | undefined;
  /** Criticality of a host or account. */
  criticalityOf(kind: AssetKind, name: string): Criticality | undefined;
}

/** The inventory of a tenant; SQLite now, any store later. Every method acts within `ctx.tenant`. */
export interface AssetStore {
  list(ctx: AuthContext, query?: { readonly kind?: AssetKind; readonly q?: string }): readonly Asset[];
  get(ctx: AuthContext, kind: AssetKind, name: string): Asset | undefined;
  /** Creates or replaces assets (by kind and canonical name); returns how many were written. */
  upsert(ctx: AuthContext, assets: readonly AssetInput[]): number;
  /** Deletes one asset; false when there was none. */
  remove(ctx: AuthContext, kind: AssetKind, name: string): boolean;
  /** An in-memory index of the tenant's inventory for the builder (rebuilt on change). */
  lookup(ctx: AuthContext): AssetLookup;
}
