/**
 * @module
 * Codec 2 of the block payload: the v1 header and each group of `GROUP_EVENTS` records are
 * compressed apart, so a search that the group term index narrows to a few groups of a block
 * decompresses those groups only (a rare word's hit used to cost the whole block: megabytes of
 * mordor records for a handful of events). Groups are the group term index's groups, so the
 * index's answer is exactly the set of groups to decompress.
 *
 * Layout: `u32 H`, `u32 G`, `G × u32` compressed group sizes (little-endian), then the header's
 * JSON compressed (H bytes), then the G compressed groups of records in block order.
 *
 * Decoded events carry their envelope at once; `raw` is a getter that decompresses its group on
 * first use (and keeps it), so every reader of `decodeBlock` works unchanged and pays only for
 * the records it reads.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { EventSource } from '@intersoc/core';
import type { BlockEvent, BlockHeader } from './block-format.js';
import { GROUP_EVENTS } from './terms.js';

/** Brotli quality 1 with a window no larger than the input (a 4 MiB window per 100 KB group is wasted allocation). */
function compress(input: Uint8Array): Buffer {
  const lgwin = Math.min(24, Math.max(16, Math.ceil(Math.log2(Math.max(1, input.length + 16)))));
  return brotliCompressSync(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

/** Compresses a block's header (its JSON) and its records (`body`, lengths `len`) group by group. */
export function encodeGrouped(head: string, body: Uint8Array, len: readonly number[]): Uint8Array {
  const parts: Buffer[] = [compress(Buffer.from(head, 'utf8'))];
  let pos = 0;
  for (let i = 0; i < len.length; i += GROUP_EVENTS) {
    let bytes = 0;
    for (let j = i; j < Math.min(len.length, i + GROUP_EVENTS); j++) bytes += len[j] as number;
    parts.push(compress(body.subarray(pos, pos + bytes)));
    pos += bytes;
  }
  const groups = parts.length - 1;
  const total = 8 + 4 * groups + parts.reduce((a, p) => a + p.length, 0);
  // The payload owns its ArrayBuffer: the pipeline transfers it between threads.
  const out = Buffer.from(new ArrayBuffer(total));
  out.writeUInt32LE((parts[0] as Buffer).length, 0);
  out.writeUInt32LE(groups, 4);
  for (let g = 0; g < groups; g++) out.writeUInt32LE((parts[g + 1] as Buffer).length, 8 + 4 * g);
  let at = 8 + 4 * groups;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new Uint8Array(out.buffer);
}

/** Decodes a codec 2 payload: envelopes now, each group's records when first read. */
export function decodeGrouped(data: Uint8Array): BlockEvent[] {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headSize = view.readUInt32LE(0);
  const groups = view.readUInt32LE(4);
  let at = 8 + 4 * groups;
  const h = JSON.parse(brotliDecompressSync(view.subarray(at, at + headSize)).toString('utf8')) as BlockHeader;
  at += headSize;
  const starts = new Array<number>(groups);
  const sizes = new Array<number>(groups);
  for (let g = 0; g < groups; g++) {
    starts[g] = at;
    sizes[g] = view.readUInt32LE(8 + 4 * g);
    at += sizes[g] as number;
  }
  if (at !== view.length) throw new Error(`block payload is ${view.length} bytes, its layout says ${at}`);
  const n = h.t.length;
  // Where each record starts inside its group's records, and each group's uncompressed size.
  const within = new Int32Array(n);
  const plainSize = new Array<number>(groups).fill(0);
  for (let i = 0; i < n; i++) {
    const g = Math.floor(i / GROUP_EVENTS);
    within[i] = plainSize[g] as number;
    plainSize[g] = (plainSize[g] as number) + (h.len[i] as number);
  }
  const decoded = new Array<Buffer | undefined>(groups);
  const group = (g: number): Buffer => {
    let b = decoded[g];
    if (b === undefined) {
      const s = starts[g] as number;
      b = brotliDecompressSync(view.subarray(s, s + (sizes[g] as number)), {
        chunkSize: Math.max(64, (plainSize[g] as number) + 64),
      });
      decoded[g] = b;
    }
    return b;
  };
  const out = new Array<BlockEvent>(n);
  for (let i = 0; i < n; i++) out[i] = lazyEvent(h, i, within[i] as number, group);
  return out;
}

/** Event `i` of a grouped block, whose `raw` decompresses its group on first read. */
function lazyEvent(h: BlockHeader, i: number, start: number, group: (g: number) => Buffer): BlockEvent {
  const li = h.li[i] as number;
  const ci = h.ci[i] as number;
  let raw: string | undefined;
  const e: { -readonly [K in keyof BlockEvent]: BlockEvent[K] } = {
    id: h.ids.slice(i * 32, i * 32 + 32),
    time: h.t[i] as number,
    ingested: h.ing[i] as number,
    source: h.src[h.si[i] as number] as EventSource,
    get raw(): string {
      if (raw === undefined) {
        raw = group(Math.floor(i / GROUP_EVENTS)).toString('utf8', start, start + (h.len[i] as number));
      }
      return raw;
    },
  };
  if (li >= 0) e.label = h.lab[li] as string;
  if (ci >= 0) e.context = h.ctx[ci] as string;
  return e;
}
