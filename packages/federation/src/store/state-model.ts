/**
 * @module
 * The federation state beside the journal, as one interface (`SqliteFederationState` on SQLite,
 * `PgFederationState` on PostgreSQL): per-peer reports of received objects and the analyst's
 * review (fused into each object's detection state), provenance chains and batch declarations,
 * local and landed sightings, and the private-lookup tag cache. The logic both stores share (trust
 * fusion, sighting aggregation, chain parsing) lives beside the SQLite functions
 * (`intel-state.ts`, `sightings.ts`, `chains.ts`); the stores differ in their SQL only.
 */
import type { DeclaredBatch } from '../signing/batch.js';
import type { Hop } from '../signing/provenance.js';
import type { QuarantinePolicy } from '../trust/trust.js';
import type { ChainInput } from './chains.js';
import type { IntelState, ReportInput } from './intel-state.js';
import type { LandedSighting, LocalSighting } from './sightings.js';

/** The federation state's operations (every method as the same-named function on SQLite). */
export interface FederationStateStore {
  /** Records reports (idempotent: once per object version, originator and sender). */
  recordReports(reports: readonly ReportInput[], now?: number): void;
  /** Records an analyst's review of a received object (the last decision stands). */
  reviewIntel(tenant: string, objectId: string, decision: 'released' | 'rejected', by: string, now?: number): void;
  /** The detection state of every object the tenant received (only of `keys`' fusion keys when given). */
  readIntelState(tenant: string, policy?: QuarantinePolicy, keys?: readonly string[]): Map<string, IntelState>;
  /** Who reported an object: each (originator, sender) once. */
  reportersOf(tenant: string, objectId: string): { origin: string; sender: string }[];

  /** Records chains (the first one wins, unless `replace`). */
  recordChains(rows: readonly ChainInput[], replace?: boolean): void;
  chainLength(tenant: string, id: string, version: string): number | undefined;
  /** Records verified batch declarations (once each). */
  recordBatches(batches: readonly DeclaredBatch[]): void;
  batchOf(signer: string, root: string): DeclaredBatch | undefined;
  /** The chain of an object version; pass one `batches` map to calls for many objects. */
  chainOf(
    tenant: string,
    id: string,
    version: string,
    batches?: Map<string, DeclaredBatch | undefined>,
  ): Hop[] | undefined;

  /** Adds detections to the local aggregate of an indicator; true when it is the first for it. */
  recordLocalSighting(s: LocalSighting): boolean;
  /** Local sightings not yet returned since they last changed, oldest last-seen first. */
  pendingSightings(tenant: string): LocalSighting[];
  markSightingsSent(tenant: string, indicators: readonly string[]): void;
  /** Records a sighting a peer returned (counts are cumulative: the largest wins). */
  recordLanded(tenant: string, s: LandedSighting): void;
  /** Sightings peers returned, newest first. */
  landedSightings(tenant: string, limit?: number): LandedSighting[];

  /** The cached lookup tag of an input. */
  lookupTag(input: string): Buffer | undefined;
  setLookupTag(input: string, tag: Uint8Array): void;
}
