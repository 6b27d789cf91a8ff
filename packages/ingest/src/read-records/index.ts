/**
 * @module
 * Reads the records of a file: gzip is undone transparently (by magic bytes, so `.gz` or not), the
 * format is auto-detected from the first bytes and the file name unless given, bytes are framed
 * (lines, JSON values, or the plug-in's binary decoder) and parsed. Every record comes out as a
 * parsed record or a rejection with its reason, raw text and byte offset; nothing is dropped
 * silently (non-event lines such as headers are the only skips).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { FormatPlugin, ParsedRecord, ParseResult, RecordParser } from '@intersoc/core';
import { AppError } from '@intersoc/core';
import { createJsonFramer } from '../framing/json-values/index.js';
import { createLineFramer } from '../framing/line/index.js';
import type { Framer, FrameItem } from '../framing/types.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../framing/types.js';
import { detectFormat, getFormat } from '../registry/index.js';
import { chooseFramer } from './framing-choice.js';

/** A record read from a file. `offset` is the record's byte offset in the (decompressed) stream. */
export type FileRecord =
  | {
      readonly ok: true;
      readonly record: ParsedRecord;
      readonly raw: string;
      readonly offset: number;
      readonly format: string;
      /** Set when invalid UTF-8 bytes were replaced by U+FFFD in `raw`. */
      readonly invalidUtf8?: true;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly raw: string;
      readonly offset: number;
      readonly format: string;
    };

/** Options of `readRecords`. */
export interface ReadRecordsOptions {
  /** Format name; auto-detected when absent. */
  readonly format?: string;
  /** Longest record kept, in bytes (default 1 MiB); longer ones are reported, not buffered. */
  readonly maxRecordBytes?: number;
}

/** Bytes read before detection. */
const SAMPLE_BYTES = 64 * 1024;
/** Largest binary file decoded in one piece (binary plug-ins take whole buffers). */
const MAX_BINARY_BYTES = 1 << 30;

/**
 * Reads and parses a file's records.
 *
 * @example
 * for await (const r of readRecords('Security.jsonl.gz')) {
 *   if (r.ok) store(r.record, r.raw, r.offset); else deadLetter(r.reason, r.raw, r.offset);
 * }
 * @throws AppError `NOT_FOUND` (no such file), `UNSUPPORTED` (unknown or undetectable format)
 */
export async function* readRecords(path: string, options: ReadRecordsOptions = {}): AsyncGenerator<FileRecord> {
  const chunks = byteChunks(path);
  try {
    yield* readFrom(path, chunks, options);
  } finally {
    // Closes the file when the caller stops early.
    await chunks.return(undefined);
  }
}

async function* readFrom(
  path: string,
  chunks: AsyncGenerator<Buffer>,
  options: ReadRecordsOptions,
): AsyncGenerator<FileRecord> {
  const head = await readHead(chunks);
  let plugin: FormatPlugin | undefined;
  if (options.format !== undefined) {
    plugin = getFormat(options.format);
    if (plugin === undefined) throw new AppError('UNSUPPORTED', `unknown format "${options.format}"`);
  } else {
    plugin = detectFormat(head.bytes, path);
    if (plugin === undefined) throw new AppError('UNSUPPORTED', `cannot detect the format of ${path}`);
  }
  const format = plugin.name;
  if (plugin.framing === 'binary') {
    yield* readBinary(plugin, path, head.bytes, chunks, format);
    return;
  }
  if (plugin.open === undefined) throw new AppError('UNSUPPORTED', `format "${format}" has no text parser`);
  const parser = plugin.open({ name: path });
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const framer: Framer =
    chooseFramer(plugin.framing, head.bytes) === 'line'
      ? createLineFramer({ maxRecordBytes })
      : createJsonFramer({ maxRecordBytes });
  if (head.bytes.length > 0) yield* parseFrames(framer.push(head.bytes), parser, format);
  if (!head.done) {
    for await (const chunk of chunks) yield* parseFrames(framer.push(chunk), parser, format);
  }
  yield* parseFrames(framer.end(), parser, format);
}

function* parseFrames(items: FrameItem[], parser: RecordParser, format: string): Generator<FileRecord> {
  for (const item of items) {
    if (!item.ok) {
      yield { ok: false, reason: `${format}: ${item.reason}`, raw: item.raw, offset: item.offset, format };
      continue;
    }
    let r: ParseResult;
    try {
      r = parser.parse(item.text);
    } catch (e) {
      // Plug-ins must not throw; a third-party one that does still costs only this record.
      r = { ok: false, reason: `${format}: parser threw: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (r.ok === 'skip') continue;
    if (r.ok) {
      yield item.invalidUtf8
        ? { ok: true, record: r.value, raw: item.text, offset: item.offset, format, invalidUtf8: true }
        : { ok: true, record: r.value, raw: item.text, offset: item.offset, format };
    } else {
      const reason = item.invalidUtf8 ? `${r.reason} (input had invalid UTF-8)` : r.reason;
      yield { ok: false, reason, raw: item.text, offset: item.offset, format };
    }
  }
}

async function* readBinary(
  plugin: FormatPlugin,
  path: string,
  head: Buffer,
  chunks: AsyncIterator<Buffer>,
  format: string,
): AsyncGenerator<FileRecord> {
  if (plugin.openBinary === undefined) throw new AppError('UNSUPPORTED', `format "${format}" has no binary decoder`);
  const parts: Buffer[] = [head];
  let total = head.length;
  for (;;) {
    const next = await chunks.next();
    if (next.done === true) break;
    total += next.value.length;
    if (total > MAX_BINARY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `${path} exceeds ${MAX_BINARY_BYTES} bytes`);
    parts.push(next.value);
  }
  const decoder = plugin.openBinary({ name: path });
  let index = 0;
  // Binary records have no byte offset the decoder reports: `offset` is the record's ordinal.
  for (const r of decoder.decode(Buffer.concat(parts, total))) {
    if (r.ok === 'skip') continue;
    if (r.ok) yield { ok: true, record: r.value, raw: r.value.raw ?? '', offset: index, format };
    else yield { ok: false, reason: r.reason, raw: '', offset: index, format };
    index++;
  }
}

/** The file's bytes, gunzipped when they start with the gzip magic. */
async function* byteChunks(path: string): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  let first = true;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
          gunzip = createGunzip();
          break;
        }
      }
      yield chunk;
    }
    if (gunzip !== undefined) {
      file.destroy();
      const zipped = createReadStream(path, { highWaterMark: 256 * 1024 });
      for await (const chunk of zipped.pipe(gunzip) as AsyncIterable<Buffer>) yield chunk;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `no such file: ${path}`, { cause: e });
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new AppError('PARSE', `corrupt gzip data in ${path}`, { cause: e });
    }
    throw e;
  }
}

/** Reads at least `SAMPLE_BYTES` (or everything) for detection. */
async function readHead(chunks: AsyncIterator<Buffer>): Promise<{ bytes: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < SAMPLE_BYTES) {
    const next = await chunks.next();
    if (next.done === true) return { bytes: Buffer.concat(parts, size), done: true };
    parts.push(next.value);
    size += next.value.length;
  }
  return { bytes: Buffer.concat(parts, size), done: false };
}
