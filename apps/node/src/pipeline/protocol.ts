/**
 * @module
 * Messages between the pipeline's threads. The main thread owns sockets and the API; parse
 * workers own framing, parsing, detection and block encoding; one writer thread owns the event
 * database. Bulk data crosses threads as raw bytes or encoded blocks (transferred, not cloned):
 * posting parsed objects costs more than parsing them again.
 */
import type { Alert, EventSource } from '@intersoc/core';
import type { DeadLetter, EncodedBlock, IndexStatus, WriteResult } from '@intersoc/storage';
import type { SourceRecord } from '@intersoc/ingest';
import type { SigmaFeedItem } from '@intersoc/detect';
import type { BaselineObservation } from '@intersoc/learn';

/** Bytes of one stream (TCP connection, HTTP body, UDP datagram). */
export interface ChunkMessage {
  readonly type: 'chunk';
  readonly seq: number;
  /** Stream key; chunks of one stream go to one worker, in order. */
  readonly stream: string;
  readonly tenant: string;
  readonly source: EventSource;
  /** Forced format; otherwise detected from the stream's first bytes. */
  readonly format?: string;
  readonly bytes: Uint8Array;
  /** True when `bytes` is exactly one record (a UDP datagram). */
  readonly whole: boolean;
  /** Last chunk of the stream: flush partial records and forget the stream. */
  readonly end: boolean;
}

/** A file for a worker to read itself (no bytes cross threads). */
export interface FileMessage {
  readonly type: 'file';
  readonly seq: number;
  readonly path: string;
  readonly tenant: string;
  readonly format?: string;
  readonly label?: string;
}

/** Pre-framed records with labels (the simulator, replays). */
export interface RecordsMessage {
  readonly type: 'records';
  readonly seq: number;
  readonly tenant: string;
  readonly records: readonly SourceRecord[];
}

/** Ask a worker to encode its open blocks now and pass them to the writer with `token`. */
export interface FlushMessage {
  readonly type: 'flush';
  readonly token: number;
}

/** Rebuild the detectors (rules or indicators changed); acknowledged with `reloaded`. */
export interface ReloadMessage {
  readonly type: 'reload';
  readonly token: number;
}

/** Main → worker. */
export type ToWorker =
  ChunkMessage | FileMessage | RecordsMessage | FlushMessage | ReloadMessage | { readonly type: 'close' };

/** Counters a worker reports with each acknowledgement. */
export interface ParseCounters {
  records: number;
  events: number;
  deadLetters: number;
  skipped: number;
  alerts: number;
  bytes: number;
}

/** Worker → main. */
export type FromWorker =
  /** The work item `seq` is parsed and handed on; `weight` frees backpressure credit. */
  | { readonly type: 'ack'; readonly seq: number; readonly counters: ParseCounters }
  /** A file worker's progress (bytes read so far) for the CLI's progress bar. */
  | { readonly type: 'progress'; readonly seq: number; readonly bytes: number; readonly total: number }
  /** A work item failed as a whole (unreadable file); nothing else is lost. */
  | { readonly type: 'error'; readonly seq: number; readonly message: string }
  | { readonly type: 'reloaded'; readonly token: number; readonly detectors: number }
  | { readonly type: 'ready' };

/** Worker → writer. */
export interface WriteMessage {
  readonly type: 'write';
  readonly blocks: readonly EncodedBlock[];
  readonly alerts: readonly Alert[];
  readonly deadLetters: readonly DeadLetter[];
  /** Matches for the correlation stage on the writer thread. */
  readonly feed?: readonly SigmaFeedItem[];
  /** Observations for the baseline stage on the writer thread. */
  readonly observations?: readonly BaselineObservation[];
  /** Flush tokens completed by this write. */
  readonly tokens: readonly number[];
  /** Id of the sending worker, for its acknowledgement. */
  readonly from: number;
}

/** Writer → main and workers. */
export type FromWriter =
  | {
      readonly type: 'written';
      readonly from: number;
      readonly result: WriteResult;
      readonly tokens: readonly number[];
    }
  /** The term index's coverage: at start, and after each background step over older blocks. */
  | { readonly type: 'indexed'; readonly blocks: number; readonly status: IndexStatus }
  | { readonly type: 'alerts'; readonly alerts: readonly Alert[] }
  /** `fatal`: a commit failed, so nothing more may be acknowledged. */
  | { readonly type: 'error'; readonly message: string; readonly fatal?: boolean };
