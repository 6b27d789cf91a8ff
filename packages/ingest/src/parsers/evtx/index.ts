/**
 * @module
 * The `evtx` format plug-in: Windows event log files decoded by `@intersoc/evtx` into
 * evtx_dump-style nested JSON, then flattened by the Windows parser, so Sigma sees the same
 * fields (`Channel`, `EventID`, `Provider_Name`, EventData names, ...) as from JSON exports.
 * Each record keeps its JSON rendering as `raw`; damaged parts become dead letters with the
 * chunk, offset and reason.
 */
import { gunzipSync } from 'node:zlib';
import type { BinaryDecoder, FormatPlugin, ParseResult } from '@intersoc/core';
import { EVTX_MAGIC, readEvtx, readEvtxBuffer } from '@intersoc/evtx';
import type { ByteSource, EvtxItem, EvtxOptions } from '@intersoc/evtx';
import { parseWindowsNested } from '../windows/index.js';

const FORMAT = 'evtx';

/** Turns one reader item into a parse result. */
export function evtxItemResult(item: EvtxItem): ParseResult {
  if (!item.ok) {
    const where = item.chunk < 0 ? 'file header' : `chunk ${item.chunk}`;
    return { ok: false, reason: `${FORMAT}: ${where} at offset ${item.offset}: ${item.reason}` };
  }
  const { record } = item;
  const parsed = parseWindowsNested(record.event);
  if (!parsed.ok) return { ok: false, reason: `${FORMAT}: record ${record.recordId}: ${parsed.reason}` };
  return {
    ok: true,
    // The reader's time is exact (FILETIME, microseconds); it falls back to the written time.
    value: { ...parsed.value, time: record.time, raw: JSON.stringify(record.event) },
  };
}

/** True when `bytes` start with gzip's magic (a `.evtx.gz` handed over undecompressed). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes one whole file held in memory (gzip included). */
function* decodeAll(bytes: Uint8Array, options: EvtxOptions): Generator<ParseResult> {
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes);
    } catch (err) {
      yield { ok: false, reason: `${FORMAT}: gzip: ${err instanceof Error ? err.message : String(err)}` };
      return;
    }
  }
  for (const item of readEvtxBuffer(data, options)) yield evtxItemResult(item);
}

/**
 * Streams parse results from a file path, `.evtx.gz` included, or another byte source, with
 * memory independent of the file size: the way to ingest big files.
 * @example
 * for await (const r of evtxParseResults('/logs/Security.evtx')) if (r.ok) sink(r.value);
 */
export async function* evtxParseResults(source: ByteSource, options: EvtxOptions = {}): AsyncGenerator<ParseResult> {
  for await (const item of readEvtx(source, options)) yield evtxItemResult(item);
}

const MAGIC_TEXT = 'ElfFile\0';

/** Scores a sample: the EVTX signature is certain; the file name alone is a strong hint. */
function detect(sample: string, name?: string): number {
  if (sample.startsWith(MAGIC_TEXT)) return 1;
  if (name !== undefined && /\.evtx(\.gz)?$/i.test(name)) return 0.9;
  return 0;
}

/** The `evtx` format plug-in (binary: the decoder receives the whole file). */
export const evtxFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Windows event log files (.evtx, .evtx.gz), decoded natively',
  framing: 'binary',
  magic: EVTX_MAGIC,
  detect,
  openBinary(): BinaryDecoder {
    return { decode: (bytes) => decodeAll(bytes, {}) };
  },
};
