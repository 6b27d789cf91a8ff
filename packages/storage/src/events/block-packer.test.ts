import { describe, expect, it } from 'vitest';
import { brotliDecompressSync } from 'node:zlib';
import { decodeBlock, encodeBlock, type BlockEvent } from './block.js';
import { BlockPacker } from './block-packer.js';
import { CODEC_BROTLI_GROUPS } from './block-format.js';

/** The compressed header of a codec 2 payload. */
function headerOf(data: Uint8Array): Buffer {
  const b = Buffer.from(data);
  const groups = b.readUInt32LE(4);
  return b.subarray(8 + 4 * groups, 8 + 4 * groups + b.readUInt32LE(0));
}

const src = { format: 'zeek', kind: 'file', name: '/tmp/conn.log' } as const;

function events(n: number, raw: (i: number) => string, extra: Partial<BlockEvent> = {}): BlockEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: (i * 7919).toString(16).padStart(32, '0'),
    time: 1_000 + (i % 13),
    ingested: 2_000,
    source: i % 3 === 0 ? { ...src, peer: `10.0.0.${i % 5}` } : src,
    raw: raw(i),
    ...extra,
  }));
}

function pack(evs: readonly BlockEvent[], capacity = evs.length): ReturnType<BlockPacker['finish']> {
  const p = new BlockPacker('t', 7, capacity);
  for (const e of evs) p.add(e);
  return p.finish();
}

describe('BlockPacker', () => {
  it('round-trips records that outgrow its first buffer, given as bytes or as text', () => {
    const evs = events(300, (i) => `{"n":${i},"pad":"${'ü'.repeat(i * 7)}"}`).map((e, i) =>
      i % 2 === 0 ? e : { ...e, raw: '', rawBytes: Buffer.from(e.raw) },
    );
    const block = pack(evs);
    expect(block).toMatchObject({ tenant: 't', day: 7, count: 300, tMin: 1_000, tMax: 1_012 });
    const back = decodeBlock(block.codec, block.data);
    expect(back.map((e) => e.raw)).toEqual(evs.map((e) => (e.rawBytes ? Buffer.from(e.rawBytes).toString() : e.raw)));
    expect(back.map((e) => e.id)).toEqual(evs.map((e) => e.id));
    expect(Buffer.from(block.ids).toString('hex')).toBe(evs.map((e) => e.id).join(''));
  });

  it('assembles the payload when the header does not fit before short records', () => {
    // Long stream contexts and one-byte records: the header is far longer than the records.
    const evs = events(50, (i) => String(i % 10)).map((e, i) => ({ ...e, context: `#fields\t${'x'.repeat(500)}${i}` }));
    const block = pack(evs, 2048);
    expect(decodeBlock(block.codec, block.data)).toEqual(evs);
    // Counted as the codec 1 payload: the header line, then the records.
    const head = Buffer.byteLength(brotliDecompressSync(headerOf(block.data)).toString()) + 1;
    expect(block.rawBytes).toBe(head + evs.reduce((a, e) => a + Buffer.byteLength(e.raw), 0));
  });

  it('writes the same payload whether a block is packed in one go or event by event', () => {
    const evs = events(100, (i) => `line ${i}`, { label: 'benign' });
    const a = encodeBlock('t', 7, evs);
    const b = pack(evs, 2048);
    expect(a.codec).toBe(CODEC_BROTLI_GROUPS);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('refuses malformed ids, events beyond its capacity and use after finish', () => {
    const p = new BlockPacker('t', 0, 1);
    expect(() => p.add({ ...events(1, () => 'x')[0]!, id: 'zz'.repeat(16) })).toThrow(/hex/);
    p.add(events(1, () => 'x')[0]!);
    expect(() => p.add(events(1, () => 'y')[0]!)).toThrow(/full/);
    p.finish();
    expect(() => p.finish()).toThrow(/finished/);
  });
});
