/**
 * @module
 * The stored block format, shared by the encoder (`block-packer.ts`), `encodeBlock` and
 * `decodeBlock`. Payload (before compression): one JSON header line with the envelope columns
 * (ids, times, sources, labels, stream contexts) and each record's byte length, then the raw
 * records' UTF-8 bytes concatenated. Blocks carry a codec id, so a new layout gets a new codec and
 * old blocks stay readable: codec 1 compresses that payload in one piece, codec 2 (written since)
 * compresses the header and each group of `GROUP_EVENTS` records apart (`block-groups.ts`), so a
 * search that needs a few groups of a block decompresses only those.
 */
import { constants } from 'node:zlib';
import type { EventSource } from '@intersoc/core';

/** What a block keeps of each event: the envelope and the raw record; fields are re-derived on read. */
export interface BlockEvent {
  readonly id: string;
  readonly time: number;
  readonly ingested: number;
  readonly source: EventSource;
  readonly raw: string;
  readonly label?: string;
  /**
   * Lines a stateful format needs to re-parse `raw` (a Zeek `#fields` header, a CSV header row).
   * Stored once per distinct value in the block.
   */
  readonly context?: string;
  /**
   * The record's UTF-8 bytes when the caller already has them (a view of the framed input): the
   * encoder copies them instead of re-encoding `raw`. Never set on decoded events.
   */
  readonly rawBytes?: Uint8Array;
}

/** A block ready for the store: compressed payload plus the columns the store indexes. */
export interface EncodedBlock {
  readonly tenant: string;
  /** Day partition (days since epoch). */
  readonly day: number;
  readonly tMin: number;
  readonly tMax: number;
  readonly count: number;
  /** Uncompressed payload bytes. */
  readonly rawBytes: number;
  /** Codec id; 1 = brotli over the whole payload, 2 = brotli per group (`block-groups.ts`). */
  readonly codec: number;
  readonly data: Uint8Array;
  /** Event ids as 16-byte binary, in block order. */
  readonly ids: Uint8Array;
  /**
   * The block's term document (distinct tokens of its events' values, space-separated), when the
   * encoder had the parsed values; the writer indexes it in the same transaction as the block.
   */
  readonly terms?: string;
  /** Term documents of each group of `GROUP_EVENTS` events, in order (with `terms`). */
  readonly groups?: readonly string[];
  /**
   * The block's encoded columns (`columns.ts`), built from the same parsed values as `terms`;
   * the writer stores them with the block, so it needs no re-parse to build them later.
   */
  readonly columns?: readonly ColumnRow[];
}

/** One encoded row of `block_columns` without its block id and version (`ColumnBuilder.rows`). */
export interface ColumnRow {
  readonly field: string;
  /** Smallest and largest value when every value is a number, else null. */
  readonly lo: number | null;
  readonly hi: number | null;
  /** True when a value holds a token longer than the term index keeps. */
  readonly long: boolean;
  /** Distinct values and per-event indexes, deflated; null when no event has the field. */
  readonly data: Uint8Array | null;
  /** The over-long tokens, deflated, or null. */
  readonly longs: Uint8Array | null;
}

/** The JSON header line of a v1 payload. */
export interface BlockHeader {
  v: 1;
  ids: string;
  t: number[];
  ing: number[];
  src: EventSource[];
  si: number[];
  lab: string[];
  li: number[];
  ctx: string[];
  ci: number[];
  len: number[];
}

/** Brotli over the v1 payload. */
export const CODEC_BROTLI = 1;
/** The v1 header and each group of records compressed apart (see `block-groups.ts`). */
export const CODEC_BROTLI_GROUPS = 2;
// Quality 1 compresses at >1 GB/s on log text with ratios above deflate's level 6 (measured on mordor).
export const BROTLI_OPTS = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};
