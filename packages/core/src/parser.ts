/**
 * @module
 * The parser plug-in seam. A format plug-in turns records into flattened fields plus an ECS
 * projection. Text formats receive one framed record at a time (the ingest package frames
 * bytes); binary formats (EVTX) decode whole buffers themselves.
 */
import type { EcsFields, FlatFields } from './event.js';
import type { Result } from './result.js';

/** What a parser extracts from one record. */
export interface ParsedRecord {
  readonly fields: FlatFields;
  readonly ecs: EcsFields;
  /** Event time in epoch ms, when the record carries one. */
  readonly time?: number;
  /** Ground-truth label carried by the record's envelope (simulator, replays). */
  readonly label?: string;
  /** The record text to keep as `raw` when it differs from the framed input (binary formats). */
  readonly raw?: string;
}

/** How a text format is split into records before parsing. */
export type Framing =
  /** One record per line (NDJSON, syslog, CEF, LEEF, Zeek TSV, CSV). */
  | 'line'
  /** Concatenated or array-wrapped JSON values, possibly pretty-printed. */
  | 'json'
  /** The plug-in decodes the whole byte stream itself. */
  | 'binary';

/** Outcome of parsing one record: the record, a reason to dead-letter it, or a non-event line to skip. */
export type ParseResult = Result<ParsedRecord> | { readonly ok: 'skip' };

/** A stateful parser for one stream (e.g. remembers a Zeek `#fields` or CSV header). */
export interface RecordParser {
  parse(record: string): ParseResult;
}

/** Options a plug-in receives when a stream is opened. */
export interface OpenOptions {
  /** File name or listener, to help plug-ins that depend on it (e.g. Zeek's log path). */
  readonly name?: string;
}

/** A binary decoder yields parsed records and per-item problems. */
export interface BinaryDecoder {
  decode(bytes: Uint8Array): Iterable<ParseResult>;
}

/** A format plug-in. */
export interface FormatPlugin {
  /** Format name used in `--format` and in `source.format`. */
  readonly name: string;
  readonly description: string;
  readonly framing: Framing;
  /**
   * Scores how well a sample (the start of a stream) fits this format, 0 (no) to 1 (certain).
   * Used for auto-detection; must be cheap and must never throw.
   */
  detect(sample: string, name?: string): number;
  /** Opens a text parser for one stream (framing `line` or `json`). */
  open?(options: OpenOptions): RecordParser;
  /** Opens a binary decoder (framing `binary`). */
  openBinary?(options: OpenOptions): BinaryDecoder;
  /** Magic bytes that identify a binary format, checked before text detection. */
  readonly magic?: Uint8Array;
}
