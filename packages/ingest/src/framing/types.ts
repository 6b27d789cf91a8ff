/**
 * @module
 * What framers yield: records as decoded text with their byte offset in the stream, or a
 * problem (an oversize record, an unterminated value) with its offset and a bounded excerpt.
 */
import { isUtf8 } from 'node:buffer';

/** A framed record. `invalidUtf8` flags bytes that were replaced by U+FFFD while decoding. */
export interface Frame {
  readonly ok: true;
  readonly text: string;
  /** Byte offset of the record's first byte in the stream. */
  readonly offset: number;
  /** Length of the record in bytes (without its delimiter). */
  readonly bytes: number;
  readonly invalidUtf8: boolean;
  /**
   * The record's bytes, as a view of the pushed chunk (no copy), when the framer can give one.
   * Stores keep these instead of re-encoding `text`. Valid while the caller leaves the chunk intact.
   */
  readonly data?: Uint8Array;
}

/** A framing problem: the bytes are not a record the framer can hand on. */
export interface FrameError {
  readonly ok: false;
  readonly reason: string;
  readonly offset: number;
  /** The first bytes of the offending record (at most `EXCERPT_BYTES`), decoded. */
  readonly raw: string;
}

/** One framer output. */
export type FrameItem = Frame | FrameError;

/** An incremental framer fed with byte chunks. */
export interface Framer {
  /** Feeds bytes; returns the records completed by them. */
  push(chunk: Uint8Array): FrameItem[];
  /** Ends the stream; returns the last record and any problem with trailing bytes. */
  end(): FrameItem[];
}

/** Bytes of an oversize or broken record kept in its `FrameError.raw`. */
export const EXCERPT_BYTES = 1024;

/** Default record size limit: 1 MiB. */
export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;

/** Decodes bytes as UTF-8 (invalid sequences → U+FFFD) and flags whether any were invalid. */
export function decodeUtf8(buf: Buffer, start: number, end: number): { text: string; invalid: boolean } {
  const text = buf.toString('utf8', start, end);
  // U+FFFD in the output is either a replacement or a genuine (valid) U+FFFD: only then check bytes.
  const invalid = text.indexOf('\uFFFD') >= 0 && !isUtf8(buf.subarray(start, end));
  return { text, invalid };
}

/** A bounded, decoded excerpt of bytes for error reports. */
export function excerptBytes(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, Math.min(end, start + EXCERPT_BYTES));
}

/** Views any Uint8Array as a Buffer without copying. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
