/**
 * @module
 * The federation state on SQLite: `FederationStateStore` over the node database, each method the
 * same-named function of `intel-state.ts`, `chains.ts` or `sightings.ts` (which `@intersoc/node`
 * also calls directly), so the federation behaves exactly as before the interface existed.
 */
import type { SqliteDb } from '@intersoc/storage';
import { stmt } from '../internal/sql.js';
import type { DeclaredBatch } from '../signing/batch.js';
import type { Hop } from '../signing/provenance.js';
import { DEFAULT_QUARANTINE, type QuarantinePolicy } from '../trust/trust.js';
import { batchOf, chainLength, chainOf, recordBatches, recordChains, type ChainInput } from './chains.js';
import {
  readIntelState,
  recordReports,
  reportersOf,
  reviewIntel,
  type IntelState,
  type ReportInput,
} from './intel-state.js';
import {
  landedSightings,
  markSightingsSent,
  pendingSightings,
  recordLanded,
  recordLocalSighting,
  type LandedSighting,
  type LocalSighting,
} from './sightings.js';
import type { FederationStateStore } from './state-model.js';

/** The federation state in the node's SQLite database (migrated by `migrateFederation`). */
export class SqliteFederationState implements FederationStateStore {
  constructor(private readonly db: SqliteDb) {}

  recordReports(reports: readonly ReportInput[], now = Date.now()): void {
    recordReports(this.db, reports, now);
  }

  reviewIntel(tenant: string, objectId: string, decision: 'released' | 'rejected', by: string, now = Date.now()): void {
    reviewIntel(this.db, tenant, objectId, decision, by, now);
  }

  readIntelState(
    tenant: string,
    policy: QuarantinePolicy = DEFAULT_QUARANTINE,
    keys?: readonly string[],
  ): Map<string, IntelState> {
    return readIntelState(this.db, tenant, policy, keys);
  }

  reportersOf(tenant: string, objectId: string): { origin: string; sender: string }[] {
    return reportersOf(this.db, tenant, objectId);
  }

  recordChains(rows: readonly ChainInput[], replace = false): void {
    recordChains(this.db, rows, replace);
  }

  chainLength(tenant: string, id: string, version: string): number | undefined {
    return chainLength(this.db, tenant, id, version);
  }

  recordBatches(batches: readonly DeclaredBatch[]): void {
    recordBatches(this.db, batches);
  }

  batchOf(signer: string, root: string): DeclaredBatch | undefined {
    return batchOf(this.db, signer, root);
  }

  chainOf(
    tenant: string,
    id: string,
    version: string,
    batches = new Map<string, DeclaredBatch | undefined>(),
  ): Hop[] | undefined {
    return chainOf(this.db, tenant, id, version, batches);
  }

  recordLocalSighting(s: LocalSighting): boolean {
    return recordLocalSighting(this.db, s);
  }

  pendingSightings(tenant: string): LocalSighting[] {
    return pendingSightings(this.db, tenant);
  }

  markSightingsSent(tenant: string, indicators: readonly string[]): void {
    markSightingsSent(this.db, tenant, indicators);
  }

  recordLanded(tenant: string, s: LandedSighting): void {
    recordLanded(this.db, tenant, s);
  }

  landedSightings(tenant: string, limit = 200): LandedSighting[] {
    return landedSightings(this.db, tenant, limit);
  }

  lookupTag(input: string): Buffer | undefined {
    return (stmt(this.db, 'SELECT tag FROM fed_lookup_tags WHERE input = ?').get(input) as { tag: Buffer } | undefined)
      ?.tag;
  }

  setLookupTag(input: string, tag: Uint8Array): void {
    stmt(this.db, 'INSERT OR REPLACE INTO fed_lookup_tags (input, tag) VALUES (?, ?)').run(input, tag);
  }
}
