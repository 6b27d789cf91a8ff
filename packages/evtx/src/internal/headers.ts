/**
 * @module
 * The EVTX file header (first 128 bytes of a 4 KiB block) and chunk header (first 512 bytes of
 * a 64 KiB chunk), with their CRC32 checks. Nothing here throws: damage is described in
 * `problems` so the reader can carry on with what is usable.
 */
import { crc32 } from 'node:zlib';
import { u16, u32 } from './format.js';

/** "ElfFile\0" */
export const FILE_MAGIC = Uint8Array.of(0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00);
/** "ElfChnk\0" */
export const CHUNK_MAGIC = Uint8Array.of(0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00);
/** Size of a chunk. */
export const CHUNK_SIZE = 65536;
/** Size of the file header block. */
export const HEADER_BLOCK = 4096;
/** Records start after the chunk header, its string and template tables. */
export const RECORDS_START = 512;

/** File header flag: the log was not closed cleanly. */
export const FLAG_DIRTY = 0x1;
/** File header flag: the log is full. */
export const FLAG_FULL = 0x2;

/** What the file header says. */
export interface FileHeader {
  readonly valid: boolean;
  readonly firstChunk: number;
  readonly lastChunk: number;
  readonly nextRecordId: number;
  readonly headerSize: number;
  readonly minorVersion: number;
  readonly majorVersion: number;
  readonly blockSize: number;
  readonly chunkCount: number;
  readonly flags: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksumOk: boolean;
  readonly problems: readonly string[];
}

/** What a chunk header says. */
export interface ChunkHeader {
  readonly firstRecordNumber: number;
  readonly lastRecordNumber: number;
  readonly firstRecordId: number;
  readonly lastRecordId: number;
  readonly lastRecordOffset: number;
  readonly freeSpaceOffset: number;
  readonly dataChecksum: number;
  readonly flags: number;
  readonly headerChecksumOk: boolean;
}

/** True when `b` holds `magic` at `p`. */
export function hasMagic(b: Uint8Array, p: number, magic: Uint8Array): boolean {
  if (p + magic.length > b.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[p + i] !== magic[i]) return false;
  return true;
}

/** 64-bit little-endian counter as a number (counts and ids stay far below 2^53 in real logs). */
function u64n(b: Uint8Array, p: number): number {
  return u32(b, p + 4) * 0x100000000 + u32(b, p);
}

/** CRC32 of `b` over [start, end). */
export function crcOf(b: Uint8Array, start: number, end: number, seed = 0): number {
  return crc32(b.subarray(start, end), seed) >>> 0;
}

/** Parses the file header at the start of `b` (which holds at least the first bytes of the file). */
export function parseFileHeader(b: Uint8Array): FileHeader {
  const problems: string[] = [];
  if (b.length < 128 || !hasMagic(b, 0, FILE_MAGIC)) {
    problems.push(b.length < 128 ? 'file shorter than its header' : 'no EVTX file signature');
    return {
      valid: false,
      firstChunk: 0,
      lastChunk: 0,
      nextRecordId: 0,
      headerSize: 0,
      minorVersion: 0,
      majorVersion: 0,
      blockSize: HEADER_BLOCK,
      chunkCount: 0,
      flags: 0,
      dirty: false,
      full: false,
      checksumOk: false,
      problems,
    };
  }
  const flags = u32(b, 120);
  const checksumOk = crcOf(b, 0, 120) === u32(b, 124);
  if (!checksumOk) problems.push('file header checksum mismatch');
  const majorVersion = u16(b, 38);
  if (majorVersion !== 3) problems.push(`unexpected format version ${majorVersion}.${u16(b, 36)}`);
  let blockSize = u16(b, 40);
  if (blockSize !== HEADER_BLOCK) {
    problems.push(`unexpected header block size ${blockSize}`);
    blockSize = HEADER_BLOCK;
  }
  return {
    valid: true,
    firstChunk: u64n(b, 8),
    lastChunk: u64n(b, 16),
    nextRecordId: u64n(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion,
    blockSize,
    chunkCount: u16(b, 42),
    flags,
    dirty: (flags & FLAG_DIRTY) !== 0,
    full: (flags & FLAG_FULL) !== 0,
    checksumOk,
    problems,
  };
}

/** Parses a chunk header; the caller checked the magic and that 512 bytes are present. */
export function parseChunkHeader(b: Uint8Array): ChunkHeader {
  const headerCrc = crcOf(b, 128, RECORDS_START, crcOf(b, 0, 120));
  return {
    firstRecordNumber: u64n(b, 8),
    lastRecordNumber: u64n(b, 16),
    firstRecordId: u64n(b, 24),
    lastRecordId: u64n(b, 32),
    lastRecordOffset: u32(b, 44),
    freeSpaceOffset: u32(b, 48),
    dataChecksum: u32(b, 52),
    flags: u32(b, 120),
    headerChecksumOk: headerCrc === u32(b, 124),
  };
}
