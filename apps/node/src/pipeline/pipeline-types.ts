/**
 * @module
 * What the pipeline coordinator is given and what it reports: its options, the counters behind
 * `/metrics`, the health of its stages, and the shape of a stream chunk as sources submit it.
 * Kept apart from `pipeline.ts` so the node's metrics, health and dashboard code can name these
 * without reading the coordinator; `pipeline.ts` re-exports them.
 */
import type { Alert } from '@intersoc/core';
import type { DetectorSpec } from './detectors.js';
import type { ChunkMessage, ParseCounters } from './protocol.js';

/** Pipeline options. */
export interface PipelineOptions {
  readonly dataDir: string;
  /** Parse worker threads; 0 runs everything on the calling thread. */
  readonly workers: number;
  readonly blockEvents: number;
  /** Parse threads collect each block's terms (config `storage.indexAtIngest`). */
  readonly indexAtIngest?: boolean;
  readonly maxRecordBytes: number;
  /** Bytes a worker may have queued before sources must wait (or UDP drops). */
  readonly maxInflightBytes: number;
  readonly detectors: DetectorSpec;
  /** Open blocks are flushed after this much idle time, ms (bounds search latency). */
  readonly idleFlushMs: number;
  /** Called for every committed batch of alerts (bus, dashboard, correlation). */
  readonly onAlerts?: (alerts: readonly Alert[]) => void;
  /** Called for internal errors (detector failures, write errors). */
  readonly onError?: (message: string) => void;
  /**
   * Called when a parse worker died: the work it held in memory (open blocks) is gone, so
   * whoever can replay it (the ingest journal) should. The worker is replaced.
   */
  readonly onWorkerLost?: (lane: number, reason: string) => void;
  /** Command named as the holder of the data folder's writer lock (default `pipeline`). */
  readonly lockedBy?: string;
}

/** State of one pipeline stage, as health reports it. */
export interface StageHealth {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly detail: string;
}

/** Health of the pipeline's stages. */
export interface PipelineHealth {
  readonly parse: StageHealth;
  readonly store: StageHealth;
  readonly index: StageHealth;
}

/** Called synchronously just before work is handed to a thread (journaling happens here). */
export type OnDispatch = () => void;

/** Counters exported as metrics. */
export interface PipelineStats {
  parsed: ParseCounters;
  stored: { events: number; duplicates: number; alerts: number; deadLetters: number; blocks: number };
  udpDropped: number;
  inflightBytes: number;
  /** Blocks not yet in the term index (`index.pendingBlocks`; kept for metrics). */
  pendingIndexBlocks: number;
  /** What the term index covers, exactly (from the writer, plus what it committed since). */
  index: {
    indexedBlocks: number;
    pendingBlocks: number;
    indexedEvents: number;
    pendingEvents: number;
    columnPendingBlocks: number;
  };
}

/** A stream chunk as sources submit it. */
export type ChunkInput = Omit<ChunkMessage, 'type' | 'seq'>;

/** Adds a thread's counters into the running totals. */
export function addCounters(into: ParseCounters, c: ParseCounters): void {
  into.records += c.records;
  into.events += c.events;
  into.deadLetters += c.deadLetters;
  into.skipped += c.skipped;
  into.alerts += c.alerts;
  into.bytes += c.bytes;
}
