/**
 * @module
 * Public types of the EVTX reader: what it yields per record and per problem, its options and
 * the summary `evtxInfo` returns.
 */
import type { Json, JsonObject } from './internal/render.js';

export type { Json, JsonObject };

/** One decoded event record. */
export interface EvtxRecord {
  /** EventRecordID from the record header. */
  readonly recordId: number;
  /** Event time in epoch ms: `System/TimeCreated/@SystemTime`, else the record's written time. */
  readonly time: number;
  /** evtx_dump-style nested JSON: `{ Event: { '#attributes': …, System: …, EventData | UserData: … } }`. */
  readonly event: JsonObject;
  /** Index of the chunk (0-based, in file order). */
  readonly chunk: number;
  /** File offset of the record. */
  readonly offset: number;
  /**
   * Set when the record was found by searching for record signatures: in slack space beyond the
   * chunk's used area (`carve` option), or in a chunk whose header is gone.
   */
  readonly carved?: true;
}

/** Something that could not be read: a file header, chunk or record, with the reason. */
export interface EvtxProblem {
  readonly ok: false;
  /** Chunk index, or -1 for the file header. */
  readonly chunk: number;
  /** File offset of the damaged item. */
  readonly offset: number;
  readonly reason: string;
}

/** What the reader yields: a record or a problem. It never throws for damaged input. */
export type EvtxItem = { readonly ok: true; readonly record: EvtxRecord } | EvtxProblem;

/** Reader options. */
export interface EvtxOptions {
  /** Verify CRC32 of the file header, chunk headers and event data (default true). Mismatches are reported, and records are still decoded. */
  readonly checksums?: boolean;
  /** Also recover records from chunk slack space (default false). Such records carry `carved: true`. */
  readonly carve?: boolean;
  /**
   * Trim ASCII whitespace around element text as evtx_dump does (default true). Windows keeps
   * e.g. a trailing space in `ParentCommandLine`; evtx_dump, Hayabusa and the Sigma regression
   * data show it trimmed. Set false for the values exactly as stored.
   */
  readonly trim?: boolean;
  /** Problems reported per chunk before the rest are summarised in one line (default 16). */
  readonly maxProblemsPerChunk?: number;
}

/** Per-chunk summary. */
export interface EvtxChunkInfo {
  readonly index: number;
  readonly offset: number;
  /** Bytes of the chunk present in the file (64 KiB unless truncated). */
  readonly size: number;
  /** `ok`, `empty` (never used), `damaged` (problems, records may still be recovered) or `unreadable`. */
  readonly status: 'ok' | 'empty' | 'damaged' | 'unreadable';
  /** Records the chunk header declares (last − first record number + 1), 0 if unknown. */
  readonly declared: number;
  readonly decoded: number;
  readonly firstRecordId: number;
  readonly lastRecordId: number;
  readonly templates: number;
  /** Every problem found in the chunk, including those not listed as items. */
  readonly problems: readonly string[];
}

/** File header fields as read. */
export interface EvtxHeaderInfo {
  readonly valid: boolean;
  readonly version: string;
  readonly firstChunk: number;
  readonly lastChunk: number;
  readonly chunkCount: number;
  readonly nextRecordId: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksumOk: boolean;
}

/** What `evtxInfo` reports about one file. */
export interface EvtxInfo {
  readonly bytes: number;
  readonly header: EvtxHeaderInfo;
  /** Chunks present in the file (non-empty and empty). */
  readonly chunks: number;
  readonly emptyChunks: number;
  /** Sum of the records chunk headers declare. */
  readonly declaredRecords: number;
  readonly records: number;
  readonly carvedRecords: number;
  /** Problems found (damaged headers, chunks and records), including those not listed. */
  readonly skipped: number;
  readonly firstRecordId: number | null;
  readonly lastRecordId: number | null;
  readonly timeMin: number | null;
  readonly timeMax: number | null;
  readonly chunkList: readonly EvtxChunkInfo[];
  /** Problems, bounded per chunk. */
  readonly problems: readonly EvtxProblem[];
}
