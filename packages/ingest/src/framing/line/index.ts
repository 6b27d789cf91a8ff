/**
 * @module
 * Incremental line framing (`\n` and `\r\n`). Works on bytes, so multi-byte UTF-8 characters split
 * across chunks decode correctly and offsets are byte offsets. A line longer than `maxRecordBytes`
 * is reported once and its bytes are dropped up to the next line break: memory stays bounded.
 */
import type { Framer, FrameItem } from '../types.js';
import { asBuffer, decodeUtf8, DEFAULT_MAX_RECORD_BYTES, EXCERPT_BYTES, excerptBytes } from '../types.js';

/** Options of the line framer. */
export interface LineFramerOptions {
  /** Longest line kept, in bytes (default 1 MiB). */
  readonly maxRecordBytes?: number;
  /** Byte offset of the first chunk in the stream (default 0). */
  readonly startOffset?: number;
}

/**
 * Creates a line framer. Empty lines are not yielded.
 *
 * @example
 * const framer = createLineFramer({ maxRecordBytes: 65536 });
 * for (const item of framer.push(chunk)) if (item.ok) handle(item.text, item.offset);
 */
export function createLineFramer(options: LineFramerOptions = {}): Framer {
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  /** Bytes of an unfinished line. */
  let pending: Buffer | undefined;
  /** Stream offset of `pending[0]` (or of the next byte when nothing is pending). */
  let pendingOffset = options.startOffset ?? 0;
  /** True while dropping the rest of an oversize line (already reported). */
  let skipping = false;

  function emit(out: FrameItem[], buf: Buffer, start: number, end: number, offset: number): void {
    let e = end;
    if (e > start && buf[e - 1] === 13) e--;
    if (e === start) return;
    const { text, invalid } = decodeUtf8(buf, start, e);
    out.push({ ok: true, text, offset, bytes: e - start, invalidUtf8: invalid, data: buf.subarray(start, e) });
  }

  function oversize(out: FrameItem[], buf: Buffer, start: number, offset: number): void {
    out.push({
      ok: false,
      reason: `record longer than ${max} bytes`,
      offset,
      raw: excerptBytes(buf, start, start + EXCERPT_BYTES),
    });
  }

  return {
    push(chunk) {
      const out: FrameItem[] = [];
      const buf = asBuffer(chunk);
      if (buf.length === 0) return out;
      /** Stream offset of buf[0]. */
      const base = pendingOffset + (pending?.length ?? 0);
      let start = 0;
      if (pending !== undefined || skipping) {
        // Finish the record carried over from the previous chunk. Only its own bytes are
        // copied: concatenating the whole new chunk would copy every byte of the stream.
        const nl = buf.indexOf(10);
        if (nl < 0) {
          if (skipping) {
            pendingOffset = base + buf.length;
          } else if ((pending as Buffer).length + buf.length > max) {
            oversize(out, Buffer.concat([pending as Buffer, buf.subarray(0, EXCERPT_BYTES)]), 0, pendingOffset);
            skipping = true;
            pending = undefined;
            pendingOffset = base + buf.length;
          } else {
            pending = Buffer.concat([pending as Buffer, buf]);
          }
          return out;
        }
        if (skipping) {
          skipping = false;
        } else {
          const head = Buffer.concat([pending as Buffer, buf.subarray(0, nl)]);
          if (head.length - (head[head.length - 1] === 13 ? 1 : 0) > max) oversize(out, head, 0, pendingOffset);
          else emit(out, head, 0, head.length, pendingOffset);
        }
        pending = undefined;
        start = nl + 1;
      }
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        if (nl - start - (buf[nl - 1] === 13 ? 1 : 0) > max) oversize(out, buf, start, base + start);
        else emit(out, buf, start, nl, base + start);
        start = nl + 1;
      }
      const rest = buf.length - start;
      if (rest > max) {
        oversize(out, buf, start, base + start);
        skipping = true;
        pending = undefined;
        pendingOffset = base + buf.length;
      } else {
        pending = rest === 0 ? undefined : buf.subarray(start);
        pendingOffset = base + start;
      }
      if (pending !== undefined && pending.length < 4096 && pending.buffer.byteLength > 65536) {
        // Don't pin a large chunk in memory for a short tail.
        pending = Buffer.from(pending);
      }
      return out;
    },
    end() {
      const out: FrameItem[] = [];
      if (pending !== undefined && !skipping) emit(out, pending, 0, pending.length, pendingOffset);
      pending = undefined;
      skipping = false;
      return out;
    },
  };
}
