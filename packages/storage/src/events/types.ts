/**
 * @module
 * Event store interfaces: what the pipeline writes and what search reads. The SQLite
 * implementation is the embedded default; a PostgreSQL one satisfies the same interfaces later.
 */
import type { Alert, AuthContext, EcsFields, FlatFields, SocEvent } from '@intersoc/core';
import type { QueryLimits } from '../query/cost.js';
import type { BlockEvent, EncodedBlock } from './block-format.js';

/** Re-derives fields and ECS projection from a stored record (injected: storage knows no parsers). */
export interface EventHydrator {
  hydrate(event: BlockEvent): { readonly fields: FlatFields; readonly ecs: EcsFields };
}

/** A record that could not be parsed, kept with its reason and raw bytes. */
export interface DeadLetter {
  readonly tenant: string;
  readonly time: number;
  readonly source: { readonly format: string; readonly kind: string; readonly name: string; readonly peer?: string };
  readonly reason: string;
  /** The raw bytes, capped by the pipeline's record limit. */
  readonly raw: Uint8Array;
  /** Byte offset in the source stream, when known. */
  readonly offset?: number;
}

/** One transaction's worth of writes from the pipeline. */
export interface WriteBatch {
  readonly blocks: readonly EncodedBlock[];
  readonly alerts: readonly Alert[];
  readonly deadLetters: readonly DeadLetter[];
}

/** What a write did. */
export interface WriteResult {
  readonly events: number;
  /** Events skipped because their id was already stored (re-ingest, replay). */
  readonly duplicates: number;
  readonly alerts: number;
  readonly deadLetters: number;
  readonly blocks: number;
}

/** A search over events or alerts of the caller's tenant. */
export interface SearchRequest {
  /** Query in the search language (see `parseQuery`); empty matches everything. */
  readonly q: string;
  /** Inclusive lower bound, epoch ms. */
  readonly from?: number;
  /** Inclusive upper bound, epoch ms. */
  readonly to?: number;
  /** Page size (default 100, at most 10,000). */
  readonly limit?: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
  /** Refuse the query with `EXPENSIVE_QUERY` when it exceeds these (no limits when omitted). */
  readonly limits?: QueryLimits;
  /** Epoch ms after which the call stops between blocks and returns what it has, with a cursor. */
  readonly deadline?: number;
}

/** A page of results. Events come newest block first, newest event first within a block. */
export interface SearchPage<T> {
  readonly items: readonly T[];
  /** Cursor of the next page; absent when the search is exhausted. */
  readonly next?: string;
  readonly scannedBlocks: number;
  readonly scannedEvents: number;
  /** Blocks skipped by the term index. */
  readonly prunedBlocks: number;
  /** True when the deadline stopped the call early (`next` says where to resume). */
  readonly timedOut?: boolean;
}

/** Retention policy for one tenant. */
export interface RetentionPolicy {
  /** Keep days newer than this many days (0 = forever). */
  readonly maxAgeDays: number;
  /** Keep at most this many compressed bytes (0 = unlimited); the oldest days go first. */
  readonly maxBytes: number;
}

/** Storage figures for one tenant. */
export interface StoreStats {
  readonly events: number;
  readonly blocks: number;
  readonly storedBytes: number;
  readonly rawBytes: number;
  readonly days: number;
  readonly alerts: number;
  readonly deadLetters: number;
  readonly unindexedBlocks: number;
  readonly tMin?: number;
  readonly tMax?: number;
}

/** What the block term index covers: blocks are indexed when written, older ones in the background. */
export interface IndexStatus {
  readonly indexedBlocks: number;
  readonly pendingBlocks: number;
  readonly indexedEvents: number;
  readonly pendingEvents: number;
  /** Term-indexed blocks whose field columns are not built yet: field queries and histograms re-parse them. */
  readonly columnPendingBlocks: number;
}

/** Read side of the event store. Every call is scoped to `ctx.tenant`. */
export interface EventReader {
  searchEvents(ctx: AuthContext, req: SearchRequest): SearchPage<SocEvent>;
  getEvent(ctx: AuthContext, id: string): SocEvent | undefined;
  searchAlerts(ctx: AuthContext, req: SearchRequest): SearchPage<Alert>;
  getAlert(ctx: AuthContext, id: string): Alert | undefined;
  listDeadLetters(ctx: AuthContext, req: { limit?: number; cursor?: string }): SearchPage<DeadLetterView>;
  stats(ctx: AuthContext): StoreStats;
}

/** A dead letter as the API shows it (raw as text with invalid bytes replaced, plus base64). */
export interface DeadLetterView {
  readonly id: number;
  readonly time: number;
  readonly source: DeadLetter['source'];
  readonly reason: string;
  readonly raw: string;
  readonly rawBase64: string;
  readonly offset?: number;
}

/** Write side of the event store (the single writer). */
export interface EventWriter {
  write(batch: WriteBatch): WriteResult;
  /** Builds term-index entries for up to `maxBlocks` unindexed blocks; returns how many it did. */
  indexPending(maxBlocks: number): number;
  applyRetention(
    tenant: string,
    policy: RetentionPolicy,
    now: number,
  ): { readonly deletedBlocks: number; readonly deletedEvents: number };
}
