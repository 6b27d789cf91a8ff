/**
 * @module
 * Incremental framing of concatenated JSON values: NDJSON, pretty-printed objects one after the
 * other (`evtx_dump -o json`), and array-wrapped streams (`[ {...}, {...} ]`, whose elements are
 * yielded one by one). Only structure is tracked (depth, strings, escapes) without recursion, so
 * 10k-deep nesting costs nothing; values longer than `maxRecordBytes` are reported and skipped
 * without being buffered. Top-level scalars and junk are yielded as records for the parser to reject.
 */
import type { Framer, FrameItem } from '../types.js';
import { asBuffer, decodeUtf8, DEFAULT_MAX_RECORD_BYTES, EXCERPT_BYTES } from '../types.js';

/** Options of the JSON value framer. */
export interface JsonFramerOptions {
  /** Longest value kept, in bytes (default 1 MiB). */
  readonly maxRecordBytes?: number;
  /** Byte offset of the first chunk in the stream (default 0). */
  readonly startOffset?: number;
}

const enum Mode {
  Top,
  Container,
  String,
  Scalar,
}

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function endsScalar(c: number): boolean {
  return isSpace(c) || c === 44 || c === 93 || c === 125 || c === 91 || c === 123 || c === QUOTE;
}

const NOT_HEADER = -1;
const NEED_MORE = -2;
const RECORD = Buffer.from('Record ');

/** End of a `Record <digits>` line starting at `i`, NOT_HEADER, or NEED_MORE when the line is cut. */
function recordHeaderEnd(buf: Buffer, i: number): number {
  for (let k = 0; k < RECORD.length; k++) {
    if (i + k >= buf.length) return NEED_MORE;
    if (buf[i + k] !== RECORD[k]) return NOT_HEADER;
  }
  let j = i + RECORD.length;
  let digits = 0;
  for (; j < buf.length; j++) {
    const c = buf[j] as number;
    if (c >= 48 && c <= 57) digits++;
    else break;
  }
  if (j >= buf.length) return NEED_MORE;
  if (buf[j] === 13) j++;
  if (j >= buf.length) return NEED_MORE;
  return digits > 0 && buf[j] === 10 ? j + 1 : NOT_HEADER;
}

/**
 * Creates a JSON value framer.
 *
 * @example
 * const framer = createJsonFramer();
 * for (const item of framer.push(Buffer.from('[{"a":1},\n{"b":2}]'))) console.log(item);
 */
export function createJsonFramer(options: JsonFramerOptions = {}): Framer {
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let buf: Buffer = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  let base = options.startOffset ?? 0;
  let pos = 0;
  let mode = Mode.Top;
  let depth = 0;
  /** A backslash ended the previous chunk inside a string: skip the next byte. */
  let escapePending = false;
  /** Inside a top-level `[`: its elements are the records. */
  let wrapper = false;
  /** Start of the current value in `buf`, or its stream offset while discarding. */
  let valueStart = -1;
  let valueOffset = 0;
  let discarding = false;
  /** Cached position of the next backslash at or after `pos` (Infinity: none in `buf`). */
  let nextBackslash = -1;

  function finish(out: FrameItem[], end: number): void {
    if (discarding) {
      discarding = false;
    } else {
      const { text, invalid } = decodeUtf8(buf, valueStart, end);
      out.push({
        ok: true,
        text,
        offset: valueOffset,
        bytes: end - valueStart,
        invalidUtf8: invalid,
        data: buf.subarray(valueStart, end),
      });
    }
    mode = Mode.Top;
    depth = 0;
    valueStart = -1;
  }

  function scan(out: FrameItem[]): void {
    const n = buf.length;
    let i = pos;
    let skip = 0;
    while (i < n) {
      if (mode === Mode.Top) {
        const c = buf[i] as number;
        if (isSpace(c) || c === 44) {
          i++;
        } else if (c === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) {
          i += 3; // byte-order mark
        } else if (c === 82 /* R */ && !wrapper && (skip = recordHeaderEnd(buf, i)) !== NOT_HEADER) {
          // `evtx_dump -o json` prints a `Record <n>` line before each value.
          if (skip === NEED_MORE) break;
          i = skip;
        } else if (c === 91 && !wrapper) {
          wrapper = true;
          i++;
        } else if (c === 93 && wrapper) {
          wrapper = false;
          i++;
        } else {
          valueStart = i;
          valueOffset = base + i;
          if (c === 123 || c === 91) {
            mode = Mode.Container;
            depth = 1;
            i++;
          } else if (c === QUOTE) {
            mode = Mode.String;
            depth = 0;
            i++;
          } else {
            mode = Mode.Scalar;
          }
        }
      } else if (mode === Mode.String) {
        if (escapePending) {
          escapePending = false;
          i++;
          continue;
        }
        const q = buf.indexOf(QUOTE, i);
        if (nextBackslash !== Infinity && nextBackslash < i) {
          const b = buf.indexOf(BACKSLASH, i);
          nextBackslash = b < 0 ? Infinity : b;
        }
        if (nextBackslash < (q < 0 ? n : q)) {
          if (nextBackslash + 1 >= n) {
            escapePending = true;
            i = n;
          } else {
            i = nextBackslash + 2;
          }
          continue;
        }
        if (q < 0) {
          i = n;
          break;
        }
        i = q + 1;
        if (depth === 0) finish(out, i);
        else mode = Mode.Container;
      } else if (mode === Mode.Container) {
        for (; i < n; i++) {
          const c = buf[i] as number;
          if (c === QUOTE) {
            mode = Mode.String;
            i++;
            break;
          }
          if (c === 123 || c === 91) depth++;
          else if (c === 125 || c === 93) {
            depth--;
            if (depth === 0) {
              i++;
              finish(out, i);
              break;
            }
          }
        }
      } else {
        // Scalar (number, literal or junk): up to the next delimiter.
        while (i < n && !endsScalar(buf[i] as number)) i++;
        if (i < n) {
          if (i === valueStart && !discarding) i++; // a lone delimiter such as '}' is junk of one byte
          finish(out, i);
        }
      }
      if (valueStart >= 0 && !discarding && i - valueStart > max) {
        out.push({ ok: false, reason: `record longer than ${max} bytes`, offset: valueOffset, raw: head() });
        discarding = true;
      }
    }
    pos = i;
  }

  function head(): string {
    return buf.toString('utf8', valueStart, Math.min(buf.length, valueStart + EXCERPT_BYTES));
  }

  /** Drops scanned bytes that no value needs any more. */
  function compact(): void {
    let keep: number;
    if (valueStart >= 0 && !discarding) keep = valueStart;
    else keep = pos;
    if (keep === 0) return;
    buf = buf.subarray(keep);
    base += keep;
    pos -= keep;
    if (valueStart >= 0) valueStart = discarding ? 0 : valueStart - keep;
    nextBackslash = -1;
  }

  return {
    push(chunk) {
      const out: FrameItem[] = [];
      const incoming = asBuffer(chunk);
      if (incoming.length === 0) return out;
      buf = buf.length === 0 ? incoming : Buffer.concat([buf, incoming]);
      nextBackslash = -1;
      scan(out);
      compact();
      return out;
    },
    end() {
      const out: FrameItem[] = [];
      if (mode === Mode.Scalar && valueStart >= 0) {
        finish(out, buf.length);
      } else if (valueStart >= 0 && !discarding) {
        out.push({
          ok: false,
          reason:
            mode === Mode.String && depth === 0
              ? 'unterminated JSON string at end of input'
              : `unterminated JSON value at end of input (depth ${depth})`,
          offset: valueOffset,
          raw: head(),
        });
      }
      buf = Buffer.alloc(0);
      valueStart = -1;
      mode = Mode.Top;
      discarding = false;
      return out;
    },
  };
}
