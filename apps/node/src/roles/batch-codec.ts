/**
 * @module
 * The wire format of an event batch on the scale-out bus: the compressed blocks the parse stage
 * already produces for the store, carried as they are, plus the batch's dead letters. A small
 * JSON header describes the parts; the block payloads and ids follow as raw bytes, so no event
 * is serialised again between the ingest role and the store.
 *
 * Layout: `ISB1` · u32 header length · header JSON · for each block its data then its ids ·
 * for each dead letter its raw bytes.
 */
import { createHash } from 'node:crypto';
import type { DeadLetter, EncodedBlock } from '@intersoc/storage';

/** What one bus message carries. */
export interface EventBatch {
  readonly blocks: readonly EncodedBlock[];
  readonly deadLetters: readonly DeadLetter[];
}

interface BlockMeta {
  readonly tenant: string;
  readonly day: number;
  readonly tMin: number;
  readonly tMax: number;
  readonly count: number;
  readonly rawBytes: number;
  readonly codec: number;
  readonly d: number;
  readonly i: number;
}

interface DeadMeta {
  readonly tenant: string;
  readonly time: number;
  readonly source: DeadLetter['source'];
  readonly reason: string;
  readonly offset?: number;
  readonly r: number;
}

interface Header {
  readonly b: BlockMeta[];
  readonly dl: DeadMeta[];
}

const MAGIC = 0x31425349; // "ISB1" little-endian

/** Encodes a batch into one message body. */
export function encodeBatch(batch: EventBatch): Uint8Array {
  const header: Header = {
    b: batch.blocks.map((b) => ({
      tenant: b.tenant,
      day: b.day,
      tMin: b.tMin,
      tMax: b.tMax,
      count: b.count,
      rawBytes: b.rawBytes,
      codec: b.codec,
      d: b.data.length,
      i: b.ids.length,
    })),
    dl: batch.deadLetters.map((d) => ({
      tenant: d.tenant,
      time: d.time,
      source: d.source,
      reason: d.reason,
      ...(d.offset === undefined ? {} : { offset: d.offset }),
      r: d.raw.length,
    })),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Uint8Array[] = [];
  for (const b of batch.blocks) parts.push(b.data, b.ids);
  for (const d of batch.deadLetters) parts.push(d.raw);
  const out = Buffer.allocUnsafe(8 + head.length + parts.reduce((n, p) => n + p.length, 0));
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(head.length, 4);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decodes a message body; the blocks' bytes are views into `body` (no copy). */
export function decodeBatch(body: Uint8Array): EventBatch {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not an event batch (bad magic)');
  const headLen = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headLen)) as Header;
  let at = 8 + headLen;
  const take = (n: number): Buffer => {
    if (at + n > buf.length) throw new Error('truncated event batch');
    const v = buf.subarray(at, at + n);
    at += n;
    return v;
  };
  const blocks: EncodedBlock[] = header.b.map(({ d, i, ...m }) => ({ ...m, data: take(d), ids: take(i) }));
  const deadLetters: DeadLetter[] = header.dl.map(({ r, ...m }) => ({ ...m, raw: take(r) }));
  return { blocks, deadLetters };
}

/**
 * Id of a message for the stream's de-duplication window: a retried publish of the same bytes
 * is stored once. (A re-ingest of the same file makes new bytes, and the store's event ids
 * de-duplicate it.)
 */
export function batchId(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}
