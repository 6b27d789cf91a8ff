/**
 * @module
 * Decoding of one 64 KiB chunk: header and CRC checks, then its event records in order. A
 * damaged record is reported and skipped by its size when that size is trustworthy, else by
 * searching for the next record signature. Records written after a stale chunk header (dirty
 * logs) are followed while their ids continue the sequence; slack space is carved on request.
 */
import type { EvtxChunkInfo, EvtxItem, EvtxProblem, EvtxRecord } from '../types.js';
import { filetimeMs, isoToMs, u32 } from './format.js';
import { CHUNK_MAGIC, CHUNK_SIZE, crcOf, hasMagic, parseChunkHeader, RECORDS_START } from './headers.js';
import { ChunkParser } from './parser.js';
import { Renderer } from './render.js';
import type { JsonObject } from './render.js';
import { MalformedError } from './values.js';

/** Options with defaults applied. */
export interface ChunkOptions {
  readonly checksums: boolean;
  readonly carve: boolean;
  readonly maxProblemsPerChunk: number;
  readonly trim: boolean;
}

const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);
const RECORD_HEADER = 24;
const MIN_RECORD = RECORD_HEADER + 4 + 4;
const NO_VALUES: readonly never[] = [];

/** True when every byte of `b` is zero (an allocated chunk never written). */
function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Event time: System/TimeCreated/@SystemTime when present. */
function systemTime(event: JsonObject): number {
  const e = event['Event'];
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return Number.NaN;
  const sys = e['System'];
  if (sys === null || typeof sys !== 'object' || Array.isArray(sys)) return Number.NaN;
  const tc = sys['TimeCreated'];
  if (tc === null || typeof tc !== 'object' || Array.isArray(tc)) return Number.NaN;
  const attrs = tc['#attributes'];
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) return Number.NaN;
  const st = attrs['SystemTime'];
  return typeof st === 'string' ? isoToMs(st) : Number.NaN;
}

/** Size of a plausible record at `p` within `limit`, or 0. */
function recordSize(b: Buffer, p: number, limit: number): number {
  if (p + MIN_RECORD > limit || b[p] !== 0x2a || b[p + 1] !== 0x2a || b[p + 2] !== 0 || b[p + 3] !== 0) return 0;
  const size = u32(b, p + 4);
  if (size < MIN_RECORD || p + size > limit || u32(b, p + size - 4) !== size) return 0;
  return size;
}

/** Decodes chunks and collects the per-chunk summary. */
export class ChunkDecoder {
  /** Summary of the last decoded chunk. */
  info: EvtxChunkInfo | undefined;
  private readonly renderer: Renderer;

  constructor(private readonly opts: ChunkOptions) {
    this.renderer = new Renderer(opts.trim);
  }

  /**
   * Decodes chunk `index` held in `chunk` (64 KiB, or less when the file is truncated), which
   * starts at file offset `fileOffset`.
   */
  *decode(chunk: Buffer, index: number, fileOffset: number): Generator<EvtxItem> {
    const problems: string[] = [];
    let reported = 0;
    let suppressed = 0;
    const opts = this.opts;
    const problem = (offset: number, reason: string): EvtxProblem | undefined => {
      problems.push(reason);
      if (reported < opts.maxProblemsPerChunk) {
        reported++;
        return { ok: false, chunk: index, offset: fileOffset + offset, reason };
      }
      suppressed++;
      return undefined;
    };
    const info = (
      status: EvtxChunkInfo['status'],
      declared: number,
      decoded: number,
      first: number,
      last: number,
      templates: number,
    ): void => {
      this.info = {
        index,
        offset: fileOffset,
        size: chunk.length,
        status,
        declared,
        decoded,
        firstRecordId: first,
        lastRecordId: last,
        templates,
        problems,
      };
    };

    // Without its signature the header cannot be trusted, but the records may be intact: they are
    // then recovered by their own signatures, quietly, like slack space.
    const headerless = !hasMagic(chunk, 0, CHUNK_MAGIC);
    if (headerless && allZero(chunk)) {
      info('empty', 0, 0, 0, 0, 0);
      return;
    }
    if (chunk.length < RECORDS_START) {
      const p = problem(
        0,
        headerless ? `truncated chunk of ${chunk.length} bytes` : `truncated chunk header (${chunk.length} bytes)`,
      );
      if (p) yield p;
      info('unreadable', 0, 0, 0, 0, 0);
      return;
    }
    if (headerless) {
      const p = problem(0, 'no chunk signature');
      if (p) yield p;
    }
    let limit = chunk.length;
    let declared = 0;
    let headerOk = false;
    if (hasMagic(chunk, 0, CHUNK_MAGIC)) {
      const h = parseChunkHeader(chunk);
      headerOk = true;
      if (opts.checksums && !h.headerChecksumOk) {
        headerOk = false;
        const p = problem(0, 'chunk header checksum mismatch');
        if (p) yield p;
      }
      const free = h.freeSpaceOffset;
      if (free < RECORDS_START || free > CHUNK_SIZE) {
        headerOk = false;
        const p = problem(48, `free space offset ${free} out of range`);
        if (p) yield p;
      } else if (free > chunk.length) {
        const p = problem(chunk.length, `chunk truncated at ${chunk.length} of ${free} used bytes`);
        if (p) yield p;
      } else {
        limit = free;
        if (opts.checksums && crcOf(chunk, RECORDS_START, free) !== h.dataChecksum) {
          const p = problem(RECORDS_START, 'event records checksum mismatch');
          if (p) yield p;
        }
      }
      if (h.lastRecordNumber >= h.firstRecordNumber && h.lastRecordNumber - h.firstRecordNumber < CHUNK_SIZE) {
        declared = h.lastRecordNumber - h.firstRecordNumber + 1;
      }
    }

    const parser = new ChunkParser(chunk);
    let decoded = 0;
    let first = 0;
    let last = 0;
    let p = headerless ? chunk.indexOf(RECORD_MAGIC, RECORDS_START) : RECORDS_START;
    let lastId = -1;
    let carving = headerless;
    for (;;) {
      if (p < 0) break;
      if (p >= limit) {
        // Past the used area: follow records that continue the id sequence (written after a
        // stale header), then carve what is left if asked to.
        const size = lastId >= 0 ? recordSize(chunk, p, chunk.length) : 0;
        if (size > 0 && u32(chunk, p + 12) * 0x100000000 + u32(chunk, p + 8) === lastId + 1) {
          limit = p + size;
        } else if (opts.carve && !carving && p < chunk.length) {
          carving = true;
          limit = chunk.length;
          const next = chunk.indexOf(RECORD_MAGIC, p);
          if (next < 0) break;
          p = next;
        } else {
          break;
        }
      }
      const size = recordSize(chunk, p, chunk.length);
      if (size === 0) {
        if (!carving) {
          const reason = !hasMagic(chunk, p, RECORD_MAGIC)
            ? 'no record signature'
            : p + MIN_RECORD > chunk.length
              ? 'record header truncated'
              : `record size ${u32(chunk, p + 4)} is invalid or does not match its trailing copy`;
          const pr = problem(p, reason);
          if (pr) yield pr;
        }
        const next = chunk.indexOf(RECORD_MAGIC, p + 4);
        if (next < 0 || next >= limit) {
          if (!opts.carve || carving) break;
          p = limit;
          continue;
        }
        p = next;
        continue;
      }
      const item = this.record(parser, chunk, p, size, index, fileOffset, carving);
      if (item.ok) {
        const id = item.record.recordId;
        if (decoded === 0) first = id;
        last = id;
        lastId = id;
        decoded++;
        yield item;
      } else {
        if (!carving) lastId = u32(chunk, p + 12) * 0x100000000 + u32(chunk, p + 8);
        const pr = carving ? undefined : problem(p, item.reason);
        if (pr) yield pr;
      }
      p += size;
    }
    if (suppressed > 0) {
      yield {
        ok: false,
        chunk: index,
        offset: fileOffset,
        reason: `${suppressed} more problems in this chunk not listed`,
      };
    }
    const status = problems.length === 0 ? 'ok' : decoded > 0 || headerOk ? 'damaged' : 'unreadable';
    info(status, declared, decoded, first, last, parser.templateCount);
  }

  private record(
    parser: ChunkParser,
    b: Buffer,
    p: number,
    size: number,
    chunk: number,
    fileOffset: number,
    carved: boolean,
  ): { ok: true; record: EvtxRecord } | { ok: false; reason: string } {
    const recordId = u32(b, p + 12) * 0x100000000 + u32(b, p + 8);
    try {
      const nodes = parser.record(p + RECORD_HEADER, p + size - 4);
      const event: JsonObject = {};
      this.renderer.begin();
      this.renderer.nodes(nodes, NO_VALUES, event);
      if (event['Event'] === undefined) return { ok: false, reason: `record ${recordId} holds no Event element` };
      let time = systemTime(event);
      if (Number.isNaN(time)) time = filetimeMs(u32(b, p + 16), u32(b, p + 20));
      const record: EvtxRecord = carved
        ? { recordId, time, event, chunk, offset: fileOffset + p, carved: true }
        : { recordId, time, event, chunk, offset: fileOffset + p };
      return { ok: true, record };
    } catch (err) {
      // Malformed BinXML is the expected failure; anything else is still this record's problem,
      // never the file's: the reader must get past it.
      const why = err instanceof MalformedError ? err.message : `internal error: ${String(err)}`;
      return { ok: false, reason: `record ${recordId}: ${why}` };
    }
  }
}
