/**
 * @module
 * The EVTX readers: {@link readEvtx} streams a file path or byte source chunk by chunk (memory
 * independent of the file size), {@link readEvtxBuffer} walks bytes already in memory. Both
 * yield one item per record or problem and never throw for damaged input. A damaged or missing
 * file header is reported and the chunks are still read at their usual places.
 */
import type { EvtxChunkInfo, EvtxItem, EvtxOptions } from '../types.js';
import { ChunkDecoder } from '../internal/chunk.js';
import type { ChunkOptions } from '../internal/chunk.js';
import { CHUNK_SIZE, HEADER_BLOCK, parseFileHeader } from '../internal/headers.js';
import type { FileHeader } from '../internal/headers.js';
import { blocksOf, fileBlocksSync, isGzipFileSync, ReadFailure } from './blocks.js';
import type { ByteSource } from './blocks.js';

export type { ByteSource };

/** Options with defaults applied. */
export function chunkOptions(options: EvtxOptions = {}): ChunkOptions {
  return {
    checksums: options.checksums ?? true,
    carve: options.carve ?? false,
    maxProblemsPerChunk: Math.max(1, options.maxProblemsPerChunk ?? 16),
    trim: options.trim ?? true,
  };
}

/** Walks a file block by block; shared by both readers and by `evtxInfo`. */
export class EvtxWalker {
  readonly decoder: ChunkDecoder;
  header: FileHeader | undefined;
  private index = 0;

  /** @param onChunk receives each chunk's summary once the chunk is decoded (used by `evtxInfo`). */
  constructor(
    options: ChunkOptions,
    private readonly onChunk?: (info: EvtxChunkInfo) => void,
  ) {
    this.decoder = new ChunkDecoder(options);
  }

  /** Handles one block: the header block at offset 0, then chunks. */
  *block(bytes: Buffer, offset: number): Generator<EvtxItem> {
    if (offset === 0) {
      this.header = parseFileHeader(bytes);
      for (const reason of this.header.problems) yield { ok: false, chunk: -1, offset: 0, reason };
      if (this.header.valid && bytes.length < HEADER_BLOCK) {
        yield {
          ok: false,
          chunk: -1,
          offset: bytes.length,
          reason: `file truncated in its header block (${bytes.length} bytes)`,
        };
      }
      return;
    }
    yield* this.decoder.decode(bytes, this.index, offset);
    this.index++;
    if (this.onChunk && this.decoder.info) this.onChunk(this.decoder.info);
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads uncompressed EVTX bytes held in memory, synchronously: a record item per decoded record
 * and a problem item per damaged part.
 * @example
 * for (const item of readEvtxBuffer(readFileSync('Security.evtx'))) if (item.ok) console.log(item.record.event);
 */
export function* readEvtxBuffer(bytes: Uint8Array, options?: EvtxOptions): Generator<EvtxItem> {
  const b = toBuffer(bytes);
  if (b.length === 0) {
    yield { ok: false, chunk: -1, offset: 0, reason: 'empty input' };
    return;
  }
  const walker = new EvtxWalker(chunkOptions(options));
  yield* walker.block(b.subarray(0, Math.min(HEADER_BLOCK, b.length)), 0);
  for (let off = HEADER_BLOCK; off < b.length; off += CHUNK_SIZE) {
    yield* walker.block(b.subarray(off, Math.min(off + CHUNK_SIZE, b.length)), off);
  }
}

/**
 * Streams an EVTX file (a path, `.evtx.gz` included, bytes, or an async iterable of bytes, gzip
 * detected by its magic) chunk by chunk. Memory stays at about one chunk whatever the file size.
 * Rejects only when a path cannot be opened.
 * @example
 * for await (const item of readEvtx('Security.evtx')) {
 *   if (item.ok) handle(item.record); else console.warn(item.chunk, item.reason);
 * }
 */
export function readEvtx(source: ByteSource, options?: EvtxOptions): AsyncGenerator<EvtxItem> {
  return walkEvtx(source, new EvtxWalker(chunkOptions(options)));
}

/** Drives `walker` over `source`; `evtxInfo` uses it with a walker that collects summaries. */
export async function* walkEvtx(source: ByteSource, walker: EvtxWalker): AsyncGenerator<EvtxItem> {
  if (source instanceof Uint8Array && !(source[0] === 0x1f && source[1] === 0x8b)) {
    const b = toBuffer(source);
    if (b.length === 0) {
      yield { ok: false, chunk: -1, offset: 0, reason: 'empty input' };
      return;
    }
    yield* walker.block(b.subarray(0, Math.min(HEADER_BLOCK, b.length)), 0);
    for (let off = HEADER_BLOCK; off < b.length; off += CHUNK_SIZE) {
      yield* walker.block(b.subarray(off, Math.min(off + CHUNK_SIZE, b.length)), off);
    }
    return;
  }
  let any = false;
  for await (const block of blocksOf(source)) {
    if (block instanceof ReadFailure) {
      yield { ok: false, chunk: -1, offset: block.offset, reason: block.reason };
      break;
    }
    any = true;
    yield* walker.block(block.bytes, block.offset);
  }
  if (!any) yield { ok: false, chunk: -1, offset: 0, reason: 'empty input' };
}

/**
 * Reads a plain (not gzip) EVTX file with blocking reads, chunk by chunk. Meant for worker
 * threads; returns undefined for gzip files, which need the streaming reader.
 */
export function readEvtxFileSync(path: string, options?: EvtxOptions): Generator<EvtxItem> | undefined {
  if (isGzipFileSync(path)) return undefined;
  return (function* () {
    const walker = new EvtxWalker(chunkOptions(options));
    let any = false;
    for (const block of fileBlocksSync(path)) {
      any = true;
      yield* walker.block(block.bytes, block.offset);
    }
    if (!any) yield { ok: false, chunk: -1, offset: 0, reason: 'empty input' };
  })();
}
