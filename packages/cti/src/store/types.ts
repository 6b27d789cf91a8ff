/**
 * @module
 * The CTI store interface: STIX objects per tenant with every version (`modified`), revocation,
 * markings and provenance. SQLite implements it now; a PostgreSQL store can implement the same
 * interface later. Every method takes the caller's `AuthContext` explicitly.
 */
import type { AuthContext } from '@intersoc/core';
import type { TlpLevel } from '../taxonomies/tlp.js';

/** Where an object came from. */
export interface Provenance {
  /** `local`, `taxii`, `misp`, `feed:<name>`, `peer:<id>`, ... */
  readonly source: string;
  /** Peer, feed URL or collection it arrived through. */
  readonly via?: string;
}

/** A stored version of an object. */
export interface StoredObject {
  readonly tenant: string;
  readonly id: string;
  readonly type: string;
  /** `modified` (or `created`) of this version; empty for single-version SCOs. */
  readonly version: string;
  readonly specVersion: string;
  readonly revoked: boolean;
  /** Normalised TLP of the object's markings, when it has one. */
  readonly tlp?: TlpLevel;
  readonly markings: readonly string[];
  readonly provenance: Provenance;
  /** When this node stored it, epoch ms. */
  readonly added: number;
  readonly object: Readonly<Record<string, unknown>>;
}

/** Outcome of storing one object. */
export interface PutOutcome {
  readonly id: string;
  readonly version: string;
  readonly status: 'added' | 'duplicate' | 'rejected';
  readonly reason?: string;
}

/** Which versions to return. */
export type VersionSelector = 'last' | 'first' | 'all' | readonly string[];

/** Query of a tenant's objects. */
export interface CtiQuery {
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions?: VersionSelector;
  /** Only objects stored after this time (epoch ms). */
  readonly addedAfter?: number;
  /** Include revoked objects (default true: revocation is itself information). */
  readonly includeRevoked?: boolean;
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly after?: string;
}

/** A page of results. */
export interface CtiPage {
  readonly objects: readonly StoredObject[];
  readonly next?: string;
}

/** The sharing policy the store enforces for partner callers. */
export interface SharingPolicy {
  /** Most restrictive TLP a partner may read. RED and AMBER+STRICT never leave the tenant. */
  readonly partnerMaxTlp: TlpLevel;
  /** How to treat objects without a TLP marking. */
  readonly unmarkedAs: TlpLevel;
}

/** The store. */
export interface CtiStore {
  /** Stores objects (each version once); invalid objects are rejected with a reason. */
  put(ctx: AuthContext, objects: readonly unknown[], provenance: Provenance): PutOutcome[];
  /** Versions of one object visible to the caller (default: the latest). */
  get(ctx: AuthContext, id: string, versions?: VersionSelector): StoredObject[];
  /** Objects visible to the caller, paged in storage order. */
  query(ctx: AuthContext, q?: CtiQuery): CtiPage;
  /** Deletes versions of an object (all by default); returns how many were deleted. */
  delete(ctx: AuthContext, id: string, version?: string): number;
  /** Stores a revoked new version of an SDO/SRO; returns it. */
  revoke(ctx: AuthContext, id: string): StoredObject | undefined;
  /** Number of stored versions visible to the caller. */
  count(ctx: AuthContext): number;
  close(): void;
}
