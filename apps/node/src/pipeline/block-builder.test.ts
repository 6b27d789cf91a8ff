import { describe, expect, it } from 'vitest';
import { decodeBlock, type BlockEvent } from '@intersoc/storage';
import { BlockBuilder } from './block-builder.js';

const DAY = 86_400_000;
const src = { format: 'json', kind: 'file', name: '/tmp/a.jsonl' } as const;

function event(i: number, raw: string, rawBytes?: Uint8Array, time = 1_700_000_000_000): BlockEvent {
  return {
    id: i.toString(16).padStart(32, '0'),
    time,
    ingested: time,
    source: src,
    raw,
    ...(rawBytes ? { rawBytes } : {}),
  };
}

describe('BlockBuilder', () => {
  it('keeps its own copy of each record: the input chunk may be reused once the event is added', () => {
    const chunk = Buffer.from('{"a":1}\n{"b":2}\n');
    const b = new BlockBuilder(10);
    b.add('t', event(1, '', chunk.subarray(0, 7)));
    b.add('t', event(2, '', chunk.subarray(8, 15)));
    // A reader that recycles its buffer overwrites the bytes the framer handed out as views.
    chunk.fill(0x78);
    const [block] = b.flush();
    expect(decodeBlock(block!.codec, block!.data).map((e) => e.raw)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('cuts a block by events, by partition and by bytes', () => {
    const b = new BlockBuilder(3, 1000);
    const out = [];
    for (let i = 0; i < 7; i++) out.push(b.add('t', event(i, `r${i}`)));
    expect(out.map((x) => x?.count)).toEqual([undefined, undefined, 3, undefined, undefined, 3, undefined]);
    expect(b.pending).toBe(1);
    // Another day is another partition.
    expect(b.add('t', event(10, 'x', undefined, 1_700_000_000_000 + DAY))).toBeUndefined();
    expect(b.pending).toBe(2);
    // 600 + 600 bytes pass the 1000-byte cap: the block is cut at 2 events, not 3.
    const big = new BlockBuilder(3, 1000);
    expect(big.add('t', event(20, 'a'.repeat(600)))).toBeUndefined();
    const cut = big.add('t', event(21, 'b'.repeat(600)));
    expect(cut?.count).toBe(2);
    expect(decodeBlock(cut!.codec, cut!.data).map((e) => e.raw.length)).toEqual([600, 600]);
    const rest = b.flush();
    expect(rest.map((x) => x.count).sort()).toEqual([1, 1]);
    expect(b.pending).toBe(0);
  });
});
