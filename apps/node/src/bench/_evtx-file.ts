/**
 * @module
 * EVTX files for the `evtx` benchmark, made of real chunks: the non-empty chunks of the corpus
 * files, written one after the other behind a valid file header.
 */
import { writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** Chunk size and file header size of the EVTX format. */
export const CHUNK = 65536;
export const HEADER = 4096;

/** The chunks of in-memory EVTX files that hold records (free space offset past the header), in order. */
export function recordChunks(files: readonly Buffer[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (const b of files) {
    for (let o = HEADER; o + CHUNK <= b.length; o += CHUNK) {
      if (b.toString('latin1', o, o + 7) === 'ElfChnk' && b.readUInt32LE(o + 48) > 512)
        chunks.push(b.subarray(o, o + CHUNK));
    }
  }
  return chunks;
}

/** Writes an EVTX file of `count` chunks taken from `chunks` in turn (repeating them as needed). */
export function writeChunkFile(chunks: readonly Buffer[], count: number, file: string): void {
  const out = Buffer.alloc(HEADER + count * CHUNK);
  for (let i = 0; i < count; i++) (chunks[i % chunks.length] as Buffer).copy(out, HEADER + i * CHUNK);
  out.write('ElfFile\0', 0, 'latin1');
  out.writeBigUInt64LE(BigInt(count - 1), 16);
  out.writeUInt32LE(128, 32);
  out.writeUInt16LE(1, 36);
  out.writeUInt16LE(3, 38);
  out.writeUInt16LE(HEADER, 40);
  out.writeUInt16LE(Math.min(count, 0xffff), 42);
  out.writeUInt32LE(crc32(out.subarray(0, 120)) >>> 0, 124);
  writeFileSync(file, out);
}
