/**
 * @module
 * Cuts a byte source into the EVTX layout: the 4 KiB header block, then 64 KiB chunks (the last
 * one possibly short). One chunk-sized buffer is reused, so memory does not grow with the file.
 * Plain files are read with positional reads; gzip input (detected by its magic bytes, e.g.
 * `.evtx.gz`) and arbitrary async byte iterables are re-blocked as they arrive.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CHUNK_SIZE, HEADER_BLOCK } from '../internal/headers.js';

/** A block of the file: its bytes (valid until the next block is requested) and file offset. */
export interface Block {
  readonly bytes: Buffer;
  readonly offset: number;
}

/** Where a read stopped early, reported by the reader as a problem instead of an exception. */
export class ReadFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/** A byte source: a file path, bytes in memory, or an async iterable of byte pieces. */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array>;

const GZIP = [0x1f, 0x8b] as const;

/** Re-blocks an async iterable of pieces into the header block and chunks. */
async function* reblock(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Block | ReadFailure> {
  const buf = Buffer.allocUnsafe(CHUNK_SIZE);
  let want = HEADER_BLOCK;
  let fill = 0;
  let offset = 0;
  try {
    for await (const piece of pieces) {
      let i = 0;
      while (i < piece.length) {
        const n = Math.min(want - fill, piece.length - i);
        buf.set(piece.subarray(i, i + n), fill);
        fill += n;
        i += n;
        if (fill === want) {
          yield { bytes: buf.subarray(0, fill), offset };
          offset += fill;
          fill = 0;
          want = CHUNK_SIZE;
        }
      }
    }
  } catch (err) {
    if (fill > 0) yield { bytes: buf.subarray(0, fill), offset };
    yield new ReadFailure(offset + fill, `read error: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  if (fill > 0) yield { bytes: buf.subarray(0, fill), offset };
}

/** Reads a plain file block by block with positional reads into one reused buffer. */
async function* fileBlocks(path: string): AsyncGenerator<Block | ReadFailure> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_SIZE);
    let offset = 0;
    let want = HEADER_BLOCK;
    for (;;) {
      let fill = 0;
      while (fill < want) {
        const { bytesRead } = await fh.read(buf, fill, want - fill, offset + fill);
        if (bytesRead === 0) break;
        fill += bytesRead;
      }
      if (fill === 0) return;
      yield { bytes: buf.subarray(0, fill), offset };
      if (fill < want) return;
      offset += fill;
      want = CHUNK_SIZE;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Reads a plain file block by block with blocking positional reads: for worker threads, where
 * blocking costs nothing and saves a thread-pool round trip per block.
 */
export function* fileBlocksSync(path: string): Generator<Block> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_SIZE);
    let offset = 0;
    let want = HEADER_BLOCK;
    for (;;) {
      let fill = 0;
      while (fill < want) {
        const n = readSync(fd, buf, fill, want - fill, offset + fill);
        if (n === 0) break;
        fill += n;
      }
      if (fill === 0) return;
      yield { bytes: buf.subarray(0, fill), offset };
      if (fill < want) return;
      offset += fill;
      want = CHUNK_SIZE;
    }
  } finally {
    closeSync(fd);
  }
}

/** True when the file at `path` starts with the gzip magic bytes (blocking). */
export function isGzipFileSync(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP[0] && head[1] === GZIP[1];
  } finally {
    closeSync(fd);
  }
}

/** True when the file at `path` starts with the gzip magic bytes. */
async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP[0] && head[1] === GZIP[1];
  } finally {
    await fh.close();
  }
}

/**
 * Yields the blocks of `source`. A path to a gzip file, or gzip bytes, is decompressed on the
 * fly. Opening a missing file rejects; failures later in the stream become a {@link ReadFailure}.
 */
export async function* blocksOf(source: ByteSource): AsyncGenerator<Block | ReadFailure> {
  if (typeof source === 'string') {
    if (await isGzipFile(source)) yield* reblock(createReadStream(source).pipe(createGunzip()));
    else yield* fileBlocks(source);
    return;
  }
  if (source instanceof Uint8Array) {
    if (source[0] === GZIP[0] && source[1] === GZIP[1]) {
      const gunzip = createGunzip();
      gunzip.end(source);
      yield* reblock(gunzip);
      return;
    }
    const b = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    const first = Math.min(HEADER_BLOCK, b.length);
    if (first > 0) yield { bytes: b.subarray(0, first), offset: 0 };
    for (let off = HEADER_BLOCK; off < b.length; off += CHUNK_SIZE) {
      yield { bytes: b.subarray(off, Math.min(off + CHUNK_SIZE, b.length)), offset: off };
    }
    return;
  }
  yield* reblock(gzipAware(source));
}

/** Passes pieces through, decompressing them when the first one starts with the gzip magic. */
async function* gzipAware(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = pieces[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done === true) return;
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => it,
  };
  if (head.value[0] !== GZIP[0] || head.value[1] !== GZIP[1]) {
    yield head.value;
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  const pump = (async (): Promise<void> => {
    try {
      if (!gunzip.write(head.value)) await onceDrain(gunzip);
      for await (const piece of rest) {
        if (gunzip.destroyed) break;
        if (!gunzip.write(piece)) await onceDrain(gunzip);
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (err) {
      gunzip.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  try {
    for await (const out of gunzip) yield out as Uint8Array;
  } finally {
    gunzip.destroy();
    await pump;
  }
}

/** Waits until `stream` can take more, or is gone (so a failed stream never leaves the pump hanging). */
function onceDrain(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) {
      resolve();
      return;
    }
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
