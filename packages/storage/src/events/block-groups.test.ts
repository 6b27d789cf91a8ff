import { describe, expect, it } from 'vitest';
import { brotliCompressSync } from 'node:zlib';
import { decodeBlock, encodeBlock, type BlockEvent } from './block.js';
import { CODEC_BROTLI, CODEC_BROTLI_GROUPS } from './block-format.js';
import { GROUP_EVENTS } from './terms.js';

const src = { format: 'json', kind: 'file', name: '/tmp/a.json' } as const;

function events(n: number): BlockEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i.toString(16).padStart(32, '0'),
    time: 1_000 + i,
    ingested: 2_000,
    source: src,
    raw: `{"n":${i},"user":"ü${i % 7}","cmd":"${'x'.repeat(i % 50)}"}`,
    ...(i % 5 === 0 ? { label: 'benign' } : {}),
  }));
}

/** Offset and size of group `g`'s compressed records in a codec 2 payload. */
function groupAt(data: Uint8Array, g: number): { at: number; size: number } {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const groups = b.readUInt32LE(4);
  let at = 8 + 4 * groups + b.readUInt32LE(0);
  for (let i = 0; i < g; i++) at += b.readUInt32LE(8 + 4 * i);
  return { at, size: b.readUInt32LE(8 + 4 * g) };
}

describe('grouped block codec (2)', () => {
  it('round-trips blocks of a partial last group, one group and several', () => {
    for (const n of [1, GROUP_EVENTS, GROUP_EVENTS * 3 + 5]) {
      const evs = events(n);
      const block = encodeBlock('t', 1, evs);
      expect(block.codec).toBe(CODEC_BROTLI_GROUPS);
      expect(decodeBlock(block.codec, block.data)).toEqual(evs);
    }
  });

  it('decompresses only the groups whose records are read', () => {
    const evs = events(GROUP_EVENTS * 3);
    const block = encodeBlock('t', 1, evs);
    // Corrupt the second group: reading the first and third still works, the second's records fail.
    const data = Uint8Array.from(block.data);
    const { at, size } = groupAt(data, 1);
    data.fill(0xff, at, at + size);
    const back = decodeBlock(block.codec, data);
    expect(back.map((e) => e.id)).toEqual(evs.map((e) => e.id));
    expect(back.map((e) => e.time)).toEqual(evs.map((e) => e.time));
    expect(back[0]?.raw).toBe(evs[0]?.raw);
    expect(back[GROUP_EVENTS * 2 + 3]?.raw).toBe(evs[GROUP_EVENTS * 2 + 3]?.raw);
    expect(() => back[GROUP_EVENTS]?.raw).toThrow();
  });

  it('still reads codec 1 blocks (one brotli stream: header line, then records)', () => {
    const evs = events(70);
    const header = {
      v: 1,
      ids: evs.map((e) => e.id).join(''),
      t: evs.map((e) => e.time),
      ing: evs.map((e) => e.ingested),
      src: [src],
      si: evs.map(() => 0),
      lab: ['benign'],
      li: evs.map((e) => (e.label === undefined ? -1 : 0)),
      ctx: [],
      ci: evs.map(() => -1),
      len: evs.map((e) => Buffer.byteLength(e.raw)),
    };
    const plain = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...evs.map((e) => Buffer.from(e.raw))]);
    expect(decodeBlock(CODEC_BROTLI, brotliCompressSync(plain))).toEqual(evs);
  });

  it('refuses a payload whose layout does not add up', () => {
    const block = encodeBlock('t', 1, events(10));
    expect(() => decodeBlock(block.codec, block.data.subarray(0, block.data.length - 1))).toThrow(/layout/);
  });
});
