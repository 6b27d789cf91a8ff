/**
 * @module
 * RFC 6587 framing of syslog over TCP, as a pure incremental splitter: octet counting
 * (`<length> <message>`) and non-transparent framing (messages ended by LF, also CRLF or NUL),
 * detected per frame since senders differ. Oversize messages are reported and skipped without
 * being buffered, so a hostile peer cannot grow memory.
 */
import type { Framer, FrameItem } from '../types.js';
import { asBuffer, decodeUtf8, EXCERPT_BYTES } from '../types.js';

/** Options of the syslog TCP framer. */
export interface SyslogFramerOptions {
  /** Longest message accepted, in bytes (RFC 5425 asks for at least 2048; default 64 KiB). */
  readonly maxMessageBytes?: number;
}

/** Longest octet count prefix: 10 digits already exceed any sane limit. */
const MAX_DIGITS = 10;

/**
 * Creates a framer for one TCP connection.
 *
 * @example
 * const framer = createSyslogFramer({ maxMessageBytes: 65536 });
 * socket.on('data', (chunk) => { for (const m of framer.push(chunk)) if (m.ok) ingest(m.text); });
 */
export function createSyslogFramer(options: SyslogFramerOptions = {}): Framer {
  const max = options.maxMessageBytes ?? 65536;
  let buf: Buffer = Buffer.alloc(0);
  let base = 0;
  /** Bytes still to drop from an oversize octet-counted frame. */
  let dropCount = 0;
  /** Dropping an oversize newline-framed message up to its terminator. */
  let dropLine = false;

  function emit(out: FrameItem[], start: number, end: number): void {
    let e = end;
    if (e > start && buf[e - 1] === 13) e--;
    if (e === start) return;
    const { text, invalid } = decodeUtf8(buf, start, e);
    out.push({
      ok: true,
      text,
      offset: base + start,
      bytes: e - start,
      invalidUtf8: invalid,
      data: buf.subarray(start, e),
    });
  }

  function problem(out: FrameItem[], reason: string, start: number): void {
    out.push({
      ok: false,
      reason,
      offset: base + start,
      raw: buf.toString('utf8', start, Math.min(buf.length, start + EXCERPT_BYTES)),
    });
  }

  /** Cached position of the next NUL (Infinity: none left in `buf`). */
  let nul = -1;

  /** Next LF, or an earlier NUL (some senders terminate with NUL). */
  function nextTerminator(from: number): number {
    const lf = buf.indexOf(10, from);
    if (nul !== Infinity && nul < from) {
      const z = buf.indexOf(0, from);
      nul = z < 0 ? Infinity : z;
    }
    return nul < (lf < 0 ? Infinity : lf) ? nul : lf;
  }

  function scan(out: FrameItem[]): number {
    const n = buf.length;
    nul = -1;
    let i = 0;
    while (i < n) {
      if (dropCount > 0) {
        const take = Math.min(dropCount, n - i);
        dropCount -= take;
        i += take;
        continue;
      }
      if (dropLine) {
        const t = nextTerminator(i);
        if (t < 0) return n;
        dropLine = false;
        i = t + 1;
        continue;
      }
      const c = buf[i] as number;
      if (c === 10 || c === 13 || c === 0 || c === 32) {
        i++;
        continue;
      }
      if (c >= 49 && c <= 57) {
        // Octet counting: digits, one space, then exactly that many bytes.
        let j = i;
        let len = 0;
        while (j < n && j - i < MAX_DIGITS) {
          const d = buf[j] as number;
          if (d < 48 || d > 57) break;
          len = len * 10 + (d - 48);
          j++;
        }
        if (j >= n) return i; // need more bytes for the length
        if (buf[j] === 32) {
          if (len > max) {
            problem(out, `message of ${len} bytes exceeds ${max}`, i);
            dropCount = len;
            i = j + 1;
            continue;
          }
          if (j + 1 + len > n) return i; // wait for the whole frame
          emit(out, j + 1, j + 1 + len);
          i = j + 1 + len;
          continue;
        }
        // Digits not followed by a space: not an octet count, treat as a newline-framed message.
      }
      const t = nextTerminator(i);
      if (t < 0) {
        if (n - i > max) {
          problem(out, `message longer than ${max} bytes without a line break`, i);
          dropLine = true;
          return n;
        }
        return i;
      }
      if (t - i > max + 1) problem(out, `message longer than ${max} bytes`, i);
      else emit(out, i, t);
      i = t + 1;
    }
    return i;
  }

  return {
    push(chunk) {
      const out: FrameItem[] = [];
      const incoming = asBuffer(chunk);
      if (incoming.length === 0) return out;
      buf = buf.length === 0 ? incoming : Buffer.concat([buf, incoming]);
      const consumed = scan(out);
      buf = buf.subarray(consumed);
      base += consumed;
      if (buf.length > 0 && buf.length < 4096 && buf.buffer.byteLength > 65536) buf = Buffer.from(buf);
      return out;
    },
    end() {
      const out: FrameItem[] = [];
      if (buf.length > 0 && dropCount === 0 && !dropLine) {
        const c = buf[0] as number;
        if (c >= 49 && c <= 57 && buf.indexOf(32) > 0 && buf.indexOf(32) <= MAX_DIGITS) {
          problem(out, 'connection closed inside an octet-counted frame', 0);
        } else {
          emit(out, 0, buf.length);
        }
      }
      buf = Buffer.alloc(0);
      dropCount = 0;
      dropLine = false;
      return out;
    },
  };
}
